export function loadSpec(path: string): Promise<any>;
export function deref(spec: unknown, node: any): any;
export function derefDeep(spec: unknown, node: any): any;
export function enterRef(node: any, expanding: string[]): string[];
