import { inspect } from "node:util";

/** Every way a program commonly prints an error: where a secret must never show. */
export function printedForms(error: unknown): string[] {
  const e = error as Error;
  return [
    e.message,
    e.stack ?? "",
    String(e),
    JSON.stringify(e),
    inspect(e, { depth: 10 }),
    inspect(e, { depth: 10, showHidden: true }),
  ];
}
