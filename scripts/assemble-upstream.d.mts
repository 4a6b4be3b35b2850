export function pointerParts(pointer: string): string[];
export function applyChange(op: any, change: { op: string; pointer: string; value?: unknown }): void;
export function assemble(options: { referenceDir: string; seedDir: string }): Promise<any>;
