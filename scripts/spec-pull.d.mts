export const DEFAULT_URL: string;
export function parseSpec(text: string, source: string): any;
export function merge(current: any, upstream: any, options?: { add?: string[] }): any;
export function changeReport(current: any, merged: any, upstream: any): string;
export function pull(options: {
  url?: string;
  from?: string;
  specPath: string;
  outDir: string;
  add?: string[];
}): Promise<{
  report: string;
  changedSpec: boolean;
  regenerated: string[];
}>;
export function pathKeyProblem(key: string): string | undefined;
