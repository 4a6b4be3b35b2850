// How the CLI shows results and failures. Secrets reach stdout only through the commands that mint them.
import type { TokenInfo } from "../types.js";
import { ApiError, BadRequestError, MotherDuckError, PermissionDeniedError, ValidationError } from "../errors.js";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const EXIT_OK = 0;
/** The API or the network failed. */
export const EXIT_FAILED = 1;
/** Usage, validation or scope refusal: the request itself was wrong, so retrying it cannot help. */
export const EXIT_REFUSED = 2;

/** A command line that does not make sense; the message says what to change. */
export class UsageError extends Error {}

export function tokenTable(tokens: TokenInfo[]): string {
  const rows = [
    ["ID", "NAME", "TYPE", "CREATED", "EXPIRES"],
    ...tokens.map((t) => [t.id, t.name ?? "", t.token_type, t.created_ts, t.expire_at ?? "never"]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** The exit code for a failure: 2 when the request was refused as asked, 1 when the API or network failed. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ValidationError) return EXIT_REFUSED;
  if (error instanceof BadRequestError || error instanceof PermissionDeniedError) return EXIT_REFUSED;
  return EXIT_FAILED;
}

export function describeFailure(error: unknown): string {
  if (error instanceof UsageError) return `error: ${error.message}\nRun with --help for usage.\n`;
  if (error instanceof ApiError) {
    const lines = [`error: ${error.message.split("\nHint: ")[0]}`];
    if (error.hint) lines.push(`hint: ${error.hint}`);
    if (error.requestId) lines.push(`request id: ${error.requestId}`);
    return lines.join("\n") + "\n";
  }
  if (error instanceof MotherDuckError) return `error: ${error.message}\n`;
  return `error: ${error instanceof Error ? error.message : String(error)}\n`;
}
