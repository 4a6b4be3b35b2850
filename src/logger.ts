// Where diagnostics go: the caller's logger, or the console at the level MOTHERDUCK_REST_LOG names. Whatever
// the destination, each line is scrubbed first, and a logger that fails can never fail a call.
import type { Issue } from "./validation/schema.js";
import { terminalSafe } from "./printable.js";
import { redactDeep } from "./redact.js";
import { readFields } from "./options.js";
import type { Redactor } from "./redact.js";
import { callQuietly } from "./quietly.js";

/**
 * Receives the client's diagnostics: one call per event, with a one-line message and the same facts as
 * fields. It never receives a secret, and whatever it throws is ignored. `logger: console` works.
 */
export interface Logger {
  /** Each attempt (method, path, status, attempt, duration) and each retry wait. */
  debug?(message: string, fields?: Record<string, unknown>): void;
  /** Something that will probably not work as meant, such as a read-scaling token that cannot work yet (S5). */
  warn?(message: string, fields?: Record<string, unknown>): void;
}

/** The levels MOTHERDUCK_REST_LOG accepts; `warn` when it is not set. */
export const LOG_LEVELS = ["debug", "warn", "off"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const LOG_METHODS = ["debug", "warn"] as const;
const PREFIX = "motherduck-rest";

/**
 * A `logger` option, read once: it must be an object whose `debug` and `warn`, if present, are functions. The
 * result calls each method on the logger as `logger.debug(message, fields)` would; the console gets the
 * message alone, so that each event stays one line.
 */
export function readLogger(logger: unknown): { logger: Logger | undefined; issues: Issue[] } {
  if (logger === undefined) return { logger: undefined, issues: [] };
  if (typeof logger !== "object" || logger === null) {
    return { logger: undefined, issues: [{ path: "logger", message: "must be an object" }] };
  }
  const { fields, issues } = readFields(logger, LOG_METHODS, "logger.");
  const read: Logger = {};
  const messageOnly = logger === (globalThis as { console?: unknown }).console;
  for (const method of LOG_METHODS) {
    const value = fields[method];
    if (value === undefined) continue;
    if (typeof value !== "function") {
      issues.push({ path: `logger.${method}`, message: "must be a function" });
      continue;
    }
    read[method] = messageOnly
      ? (message) => value.call(logger, message)
      : (message, fields) => value.call(logger, message, fields);
  }
  return { logger: read, issues };
}

/** The level named by MOTHERDUCK_REST_LOG, or an issue when it names none. */
export function parseLogLevel(value: string | undefined): LogLevel | Issue {
  const level = (value ?? "").trim().toLowerCase() || "warn";
  return (LOG_LEVELS as readonly string[]).includes(level)
    ? (level as LogLevel)
    : { path: "MOTHERDUCK_REST_LOG", message: `must be one of ${LOG_LEVELS.join(", ")}` };
}

/** The default destination: stderr, one line per event, for the levels at or above `level`. */
export function consoleLogger(level: LogLevel): Logger {
  return {
    ...(level === "debug" && { debug: (message: string) => console.error(`${PREFIX} debug: ${message}`) }),
    ...(level !== "off" && { warn: (message: string) => console.warn(`${PREFIX} warning: ${message}`) }),
  };
}

/**
 * The logger the client calls. Each method exists only where the destination has one, so a disabled level
 * costs nothing. Messages are scrubbed and made terminal-safe, fields are scrubbed; a throw, or a rejected
 * promise, is swallowed.
 */
export function safeLogger(logger: Logger, redact: Redactor): Logger {
  const safe: Logger = {};
  for (const method of LOG_METHODS) {
    const write = logger[method];
    if (typeof write !== "function") continue;
    // A diagnostic that cannot be delivered must not change the call it describes.
    safe[method] = (message, fields) =>
      callQuietly(write, terminalSafe(redact(message)), fields && redactDeep(fields, redact));
  }
  return safe;
}
