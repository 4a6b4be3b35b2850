// How the CLI shows results and failures. Everything here returns text; the output boundary in main.ts
// makes it terminal-safe, and secrets reach stdout only through deliver.ts.
import type { TokenInfo } from "../types.js";
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  HINT_SEPARATOR,
  MotherDuckError,
  PermissionDeniedError,
  ResponseShapeError,
  TokenScopeError,
  ValidationError,
} from "../errors.js";
import { isMissingTokenIssue } from "../config.js";
import { UsageError } from "./args.js";
import { line } from "../printable.js";
import { table } from "./table.js";

export { UsageError };

/** Where the CLI writes. `stdout` may return a promise that settles once the text was delivered. */
export interface Io {
  stdout(text: string): unknown;
  stderr(text: string): unknown;
  /** True when stdout leads nowhere (closed, or /dev/null): a secret written there would be lost. */
  stdoutDiscarded?(): boolean;
  /** Calls `listener` on Ctrl-C (SIGINT) until the returned function is called. */
  onInterrupt?(listener: () => void): () => void;
  /** True when stderr is a terminal. */
  stderrIsTerminal?(): boolean;
}

export const EXIT_OK = 0;
/** The API or the network failed. */
export const EXIT_FAILED = 1;
/** Usage, validation or scope refusal: the request itself was wrong, so retrying it cannot help. */
export const EXIT_REFUSED = 2;

/** Ctrl-C: the shell's code for a command that SIGINT stopped (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** Ctrl-C stopped a command that writes, perhaps after its request reached the API. */
export class Interrupted extends Error {
  /** `check`: what to run to learn whether the write happened. */
  constructor(readonly check: string) {
    super("interrupted");
  }
}

/** A failure the command has already explained on stderr; only its exit code is left to give. */
export class ReportedFailure extends Error {
  constructor(readonly exitCode: number) {
    super("reported");
  }
}

export function tokenTable(tokens: TokenInfo[]): string {
  return table(
    ["ID", "NAME", "TYPE", "CREATED", "EXPIRES"],
    tokens.map((t) => [t.id, t.name, t.token_type, t.created_ts, t.expire_at ?? "never"]),
  );
}

/** The exit code for a failure: 2 when the request was refused as asked, 1 when the API or network failed. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof Interrupted) return EXIT_INTERRUPTED;
  if (error instanceof UsageError || error instanceof ValidationError) return EXIT_REFUSED;
  if (error instanceof BadRequestError || error instanceof PermissionDeniedError) return EXIT_REFUSED;
  return EXIT_FAILED;
}

// The library names what is wrong by its own option or body field; the CLI user knows flags and arguments.
const WHERE: Record<string, string> = {
  "body.name": "--name",
  "body.ttl": "--ttl",
  "body.token_type": "--type",
  "body.username": "<username>",
  username: "<username>",
  token_id: "<token-id>",
  dive_id: "<dive-id>",
  baseUrl: "--base-url (or MOTHERDUCK_API_BASE_URL)",
  token: "MOTHERDUCK_TOKEN",
};

/** How a command names issue paths where WHERE does not fit it (`body.username` is --username for some). */
export type IssuePaths = Record<string, string>;

/** One issue of a ValidationError, in the CLI's words. */
export function issueInCliWords(issue: { path: string; message: string }, paths: IssuePaths = {}): string {
  if (isMissingTokenIssue(issue)) {
    return "no MotherDuck token: set the environment variable MOTHERDUCK_TOKEN (or motherduck_token) to your token";
  }
  return line`${paths[issue.path] ?? WHERE[issue.path] ?? issue.path} ${issue.message}`;
}

const TOKEN_REFUSED_HINT =
  "The token in MOTHERDUCK_TOKEN was refused: it may be mistyped, expired or revoked, or meant for another base URL.";
const NO_ROUTE_HINT =
  "The server knows no such route: the base URL is probably wrong; check --base-url or MOTHERDUCK_API_BASE_URL.";
const UNREACHABLE_HINT = "Check --base-url or MOTHERDUCK_API_BASE_URL, and that the server there is running.";
const NOT_THE_API_HINT =
  "The server answered with something other than JSON: --base-url (or MOTHERDUCK_API_BASE_URL) is probably not the MotherDuck API's.";

/**
 * The hint for an API error in the CLI's words: the library's hints name its options (`baseUrl`, the `token`
 * option), which a CLI user sets as flags and variables instead.
 */
function hintInCliWords(error: ApiError): string | undefined {
  if (error instanceof AuthenticationError) return TOKEN_REFUSED_HINT;
  if (error.status === 404 && error.code !== "NOT_FOUND") return NO_ROUTE_HINT;
  return error.hint;
}

/** How a command words a failure where the shared words do not fit it. */
export interface FailureWords {
  issuePaths?: IssuePaths;
  hint?: (error: ApiError) => string | undefined;
}

export function describeFailure(error: unknown, words: FailureWords = {}): string {
  const paths = words.issuePaths ?? {};
  if (error instanceof ReportedFailure) return "";
  if (error instanceof Interrupted) {
    return (
      "interrupted: the command was stopped while its request may already have reached the API, so what it " +
      `asked for may have happened.\n${error.check}\n`
    );
  }
  if (error instanceof UsageError) return `error: ${error.message}\nRun with --help for usage.\n`;
  if (error instanceof TokenScopeError) return line`error: ${error.message}` + "\n";
  if (error instanceof ValidationError) {
    const lines = error.issues.map((issue) => `error: ${issueInCliWords(issue, paths)}`);
    return `${lines.join("\n")}\nNothing was sent.\n`;
  }
  if (error instanceof ApiError) {
    const lines = [line`error: ${error.message.split(HINT_SEPARATOR)[0]}`];
    const hint = words.hint?.(error) ?? hintInCliWords(error);
    if (hint) lines.push(line`hint: ${hint}`);
    if (error.requestId) lines.push(line`request id: ${error.requestId}`);
    return lines.join("\n") + "\n";
  }
  if (error instanceof ConnectionError) return line`error: ${error.message}` + `\nhint: ${UNREACHABLE_HINT}\n`;
  if (error instanceof ResponseShapeError && error.hint) {
    // The only hint a shape error carries is that the base URL is not the API's: said here with the flag.
    return line`error: ${error.message.split(HINT_SEPARATOR)[0]}` + `\nhint: ${NOT_THE_API_HINT}\n`;
  }
  if (error instanceof MotherDuckError) return line`error: ${error.message}` + "\n";
  return line`error: ${error instanceof Error ? error.message : String(error)}` + "\n";
}
