// Turns createMotherDuckClient's options and the environment into a checked configuration.
import type { Issue } from "./validation/schema.js";
import type { Identity } from "./scope.js";
import { ValidationError } from "./errors.js";

export const DEFAULT_BASE_URL = "https://api.motherduck.com";
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;
// setTimeout fires at once for delays past 2^31 - 1 ms.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const MAX_RETRIES_LIMIT = 10;

/** Receives diagnostics. It never receives a token. */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
}

/** A fetch implementation, called as `fetch(url, init)`: the global fetch, undici's, or a test double. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of createMotherDuckClient. All are optional; each is checked when the client is created. */
export interface ClientOptions {
  /** Bearer token. Default: env MOTHERDUCK_TOKEN, then motherduck_token. */
  token?: string;
  /** Default: env MOTHERDUCK_API_BASE_URL, then https://api.motherduck.com. */
  baseUrl?: string;
  /** Who the token belongs to. Turns on client-side token-scope checks (rules S2 and S3). */
  identity?: Identity;
  /** Time allowed for each attempt, from sending the request to reading the whole answer. Default 30 000. */
  timeoutMs?: number;
  /** How many times a failed call may be retried. Default 2. */
  maxRetries?: number;
  /** A fetch implementation, called as fetch(url, init). Default: the global fetch. */
  fetch?: FetchFunction;
  logger?: Logger;
  /** In a browser the client refuses to start unless this is true: a token in a page is readable by anyone who loads it. */
  dangerouslyAllowBrowser?: boolean;
}

export interface ResolvedConfig {
  token: string | undefined;
  baseUrl: string;
  identity: Identity | undefined;
  timeoutMs: number;
  maxRetries: number;
  fetch: FetchFunction;
  logger: Logger;
}

export type Environment = Record<string, string | undefined>;

function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The base URL rules: absolute http(s), https unless loopback, no credentials, query, fragment or padding. */
export function checkBaseUrl(value: string, path = "baseUrl"): Issue[] {
  const issue = (message: string): Issue[] => [{ path, message }];
  if (value !== value.trim()) return issue("must not start or end with white space");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return issue("must be an absolute http or https URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return issue("must use http or https");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return issue("must use https: plain http would send the token in clear text (http is allowed only for loopback)");
  }
  if (url.username || url.password) return issue("must not contain credentials");
  if (value.includes("?")) return issue("must not contain a query");
  if (value.includes("#")) return issue("must not contain a fragment");
  return [];
}

function checkToken(token: string): Issue[] {
  // A JWT is printable ASCII without spaces; anything else would corrupt or split the Authorization header.
  return /^[\x21-\x7e]+$/.test(token)
    ? []
    : [{ path: "token", message: "must be printable ASCII without white space (check for a stray newline)" }];
}

function checkIdentity(identity: unknown): Issue[] {
  if (identity === undefined) return [];
  if (typeof identity !== "object" || identity === null) return [{ path: "identity", message: "must be an object" }];
  const { username, role, serviceAccounts } = identity as Record<string, unknown>;
  const issues: Issue[] = [];
  if (typeof username !== "string" || username === "") {
    issues.push({ path: "identity.username", message: "must be a non-empty string" });
  }
  if (role !== undefined && role !== "admin" && role !== "member") {
    issues.push({ path: "identity.role", message: 'must be "admin" or "member"' });
  }
  if (
    serviceAccounts !== undefined &&
    !(Array.isArray(serviceAccounts) && serviceAccounts.every((s) => typeof s === "string"))
  ) {
    issues.push({ path: "identity.serviceAccounts", message: "must be an array of usernames" });
  }
  return issues;
}

function checkWholeNumber(value: number, path: string, min: number, max: number): Issue[] {
  return Number.isInteger(value) && value >= min && value <= max
    ? []
    : [{ path, message: `must be a whole number from ${min} to ${max}` }];
}

/** Resolves and checks the options; throws one ValidationError listing every problem. */
export function resolveConfig(options: ClientOptions, env: Environment): ResolvedConfig {
  const token = options.token ?? firstSet(env.MOTHERDUCK_TOKEN, env.motherduck_token);
  const baseUrl = options.baseUrl ?? firstSet(env.MOTHERDUCK_API_BASE_URL) ?? DEFAULT_BASE_URL;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const fetchFunction = options.fetch ?? globalThis.fetch;

  const issues: Issue[] = [
    ...(token === undefined
      ? []
      : typeof token === "string"
        ? checkToken(token)
        : [{ path: "token", message: "must be a string" }]),
    ...(typeof baseUrl === "string" ? checkBaseUrl(baseUrl) : [{ path: "baseUrl", message: "must be a string" }]),
    ...checkIdentity(options.identity),
    ...checkWholeNumber(timeoutMs, "timeoutMs", 1, MAX_TIMEOUT_MS),
    ...checkWholeNumber(maxRetries, "maxRetries", 0, MAX_RETRIES_LIMIT),
    ...(typeof fetchFunction === "function"
      ? []
      : [{ path: "fetch", message: "must be a function (no global fetch found)" }]),
  ];
  if (issues.length)
    throw new ValidationError(
      issues,
      `Invalid client options: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
    );

  return {
    token,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    identity: options.identity,
    timeoutMs,
    maxRetries,
    fetch: fetchFunction,
    logger: options.logger ?? {},
  };
}
