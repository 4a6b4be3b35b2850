// Turns createMotherDuckClient's options and the environment into a checked configuration.
import { checkValue } from "./validation/schema.js";
import type { Issue, SchemaRule } from "./validation/schema.js";
import type { Identity } from "./scope.js";
import { ValidationError, describeIssues } from "./errors.js";
import { consoleLogger, parseLogLevel, readLogger } from "./logger.js";
import type { Logger } from "./logger.js";
import { LIMIT_OPTIONS_RULE, readFields, unknownKeyIssues } from "./options.js";
import { MIN_SECRET_LENGTH } from "./redact.js";
import { environmentReader } from "./environment.js";
import type { Environment, EnvironmentReader } from "./environment.js";

export type { Environment, Logger };

export const DEFAULT_BASE_URL = "https://api.motherduck.com";
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

/** A fetch implementation, called as `fetch(url, init)`: the global fetch, undici's, or a test double. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of createMotherDuckClient. All are optional; each is checked when the client is created. */
export interface ClientOptions {
  /**
   * The bearer token: a MotherDuck access token. Default: env MOTHERDUCK_TOKEN, then motherduck_token. With
   * none at all, createMotherDuckClient throws a ValidationError.
   */
  token?: string;
  /**
   * The API's address. Default: env MOTHERDUCK_API_BASE_URL, then https://api.motherduck.com. Absolute https
   * (http only for loopback), with a host, and no credentials, query, fragment, white space or control
   * characters.
   */
  baseUrl?: string;
  /** Who the token belongs to. Turns on client-side token-scope checks (rules S2 and S3). */
  identity?: Identity;
  /**
   * Time allowed for each attempt, in ms, from sending the request to reading the whole answer. Default
   * 30 000. A call can override it with its own `timeoutMs`.
   */
  timeoutMs?: number;
  /** How many times a failed call may be retried (0 to 10). Default 2. A call can override it. */
  maxRetries?: number;
  /** A fetch implementation, called as fetch(url, init). Default: the global fetch. */
  fetch?: FetchFunction;
  /**
   * Where diagnostics go: `{ debug?, warn? }`, or `console`. Default: warnings to `console.warn`, or the
   * level that env MOTHERDUCK_REST_LOG names (`debug`, `warn` or `off`). A logger never receives a secret,
   * and a logger that throws never changes a call.
   */
  logger?: Logger;
  /** In a browser the client refuses to start unless this is true: a token in a page is readable by anyone who loads it. */
  dangerouslyAllowBrowser?: boolean;
}

const OPTION_NAMES: readonly (keyof ClientOptions)[] = [
  "token",
  "baseUrl",
  "identity",
  "timeoutMs",
  "maxRetries",
  "fetch",
  "logger",
  "dangerouslyAllowBrowser",
];
const IDENTITY_FIELDS: readonly (keyof Identity)[] = ["username", "role", "serviceAccounts"];
/** The client's options that plain data rules check: those a call also takes, and dangerouslyAllowBrowser. */
const CLIENT_OPTIONS_RULE: SchemaRule = {
  properties: {
    token: {
      type: "string",
      // A JWT is printable ASCII without spaces; anything else would corrupt or split the Authorization header.
      pattern: "^[\\x21-\\x7e]+$",
      patternMessage: "must be printable ASCII without white space (check for a stray newline)",
      // A MotherDuck token is far longer; one this short could not be kept out of messages by value.
      minLength: MIN_SECRET_LENGTH,
    },
    baseUrl: { type: "string" },
    ...LIMIT_OPTIONS_RULE.properties,
    dangerouslyAllowBrowser: { type: "boolean" },
  },
};
/** The identity option's fields, as data for the validator the spec's rules use. */
const IDENTITY_RULE: SchemaRule = {
  properties: {
    username: { type: "string", minLength: 1 },
    role: { enum: ["admin", "member"] },
    serviceAccounts: { type: "array", items: { type: "string" } },
  },
  required: ["username"],
};

/** The declared identity, with its service accounts as a set the client adds to as it creates them. */
export interface KnownIdentity {
  username: string;
  role: Identity["role"];
  /** Undefined when none were declared: then the server decides S3. */
  serviceAccounts: Set<string> | undefined;
}

export interface ResolvedConfig {
  token: string;
  baseUrl: string;
  identity: KnownIdentity | undefined;
  timeoutMs: number;
  maxRetries: number;
  fetch: FetchFunction;
  logger: Logger;
  allowBrowser: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The base URL rules: absolute http(s) with a host, https unless loopback, no credentials, query, fragment,
 * white space or control characters. The text is checked as written, not only as parsed: WHATWG URL turns
 * `https:///api` into host `api` and drops tabs and newlines, and the token would follow.
 */
export function checkBaseUrl(value: string, path = "baseUrl"): Issue[] {
  const issue = (message: string): Issue[] => [{ path, message }];
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(value)) return issue("must not contain white space or control characters");
  // WHATWG URL finds credentials only before an "@", so refusing the character refuses them all.
  if (/[@?#]/.test(value)) return issue("must not contain credentials, a query or a fragment");
  let url: URL | undefined;
  try {
    url = /^https?:\/\/[^/\\]/i.test(value) ? new URL(value) : undefined;
  } catch {
    // Unparsable: refused below with the same words as a relative URL.
  }
  if (!url) return issue("must be an absolute http or https URL, such as https://api.motherduck.com");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return issue("must use https (http only for loopback), or the token travels in clear text");
  }
  return [];
}

const GIVE_TOKEN = "pass the token option, or set MOTHERDUCK_TOKEN (or motherduck_token)";

/** How to give the token that is missing, and why the environment did not give it, where it could not be read. */
function howToGiveToken({ refused }: EnvironmentReader): string {
  const unread = refused.includes("MOTHERDUCK_TOKEN")
    ? `, which could not be read here (Deno grants access with --allow-env=${refused.join(",")})`
    : "";
  return GIVE_TOKEN + unread;
}

/** Whether an issue of a client's ValidationError is the missing token's. */
export function isMissingTokenIssue(issue: Issue): boolean {
  return issue.path === "token" && issue.message.startsWith(`is missing: ${GIVE_TOKEN}`);
}

function readIdentity(identity: unknown): { identity: KnownIdentity | undefined; issues: Issue[] } {
  if (identity === undefined) return { identity: undefined, issues: [] };
  if (typeof identity !== "object" || identity === null) {
    return { identity: undefined, issues: [{ path: "identity", message: "must be an object" }] };
  }
  const { fields, issues } = readFields(identity, IDENTITY_FIELDS, "identity.");
  issues.push(...unknownKeyIssues(identity, IDENTITY_FIELDS, "identity."));
  // The service accounts are read once, into a copy, before they are checked.
  const serviceAccounts = Array.isArray(fields.serviceAccounts) ? [...fields.serviceAccounts] : fields.serviceAccounts;
  issues.push(...checkValue(IDENTITY_RULE, { ...fields, serviceAccounts }, "identity"));
  if (issues.length) return { identity: undefined, issues };
  const { username, role } = fields as Identity;
  return {
    identity: {
      username,
      role,
      serviceAccounts: serviceAccounts === undefined ? undefined : new Set(serviceAccounts as string[]),
    },
    issues,
  };
}

/** `null` is not "the default": `{ baseUrl: process.env.X ?? null }` must not quietly mean production. */
function nullIssues(fields: Record<string, unknown>): Issue[] {
  return Object.entries(fields)
    .filter(([, value]) => value === null)
    .map(([path]) => ({ path, message: "must not be null (leave it out for its default)" }));
}

/** The error for bad options; `missingToken`, when it is the only problem, reads as one sentence. */
function invalid(issues: Issue[], missingToken?: string): ValidationError {
  return new ValidationError(
    issues,
    issues.length === 1 && missingToken !== undefined
      ? `No MotherDuck token: ${missingToken}.`
      : `Invalid client options: ${describeIssues(issues)}`,
  );
}

/**
 * Resolves and checks the options; throws one ValidationError listing every problem. The environment is read
 * only for what the options leave out.
 */
export function resolveConfig(options: unknown, environment: Environment): ResolvedConfig {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid([{ path: "options", message: "must be an object, such as { baseUrl, token }" }]);
  }
  const { fields, issues } = readFields(options, OPTION_NAMES);
  issues.push(...unknownKeyIssues(options, OPTION_NAMES), ...nullIssues(fields));
  const env = environmentReader(environment);
  const token = fields.token ?? env.read("MOTHERDUCK_TOKEN") ?? env.read("motherduck_token");
  const baseUrl = fields.baseUrl ?? env.read("MOTHERDUCK_API_BASE_URL") ?? DEFAULT_BASE_URL;
  const timeoutMs = fields.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = fields.maxRetries ?? DEFAULT_MAX_RETRIES;
  const fetchFunction = fields.fetch ?? globalThis.fetch;
  const identity = readIdentity(fields.identity);
  const level = fields.logger === undefined ? parseLogLevel(env.read("MOTHERDUCK_REST_LOG")) : "warn";
  const logger = readLogger(fields.logger);
  // A null is reported once, by nullIssues.
  const checked = {
    token,
    baseUrl,
    timeoutMs,
    maxRetries,
    dangerouslyAllowBrowser: fields.dangerouslyAllowBrowser ?? undefined,
  };

  const missingToken = token === undefined ? howToGiveToken(env) : undefined;
  issues.push(
    ...(missingToken === undefined ? [] : [{ path: "token", message: `is missing: ${missingToken}` }]),
    ...identity.issues,
    ...checkValue(CLIENT_OPTIONS_RULE, checked, ""),
    ...(typeof baseUrl === "string" ? checkBaseUrl(baseUrl) : []),
    ...(typeof fetchFunction === "function"
      ? []
      : [{ path: "fetch", message: "must be a function (no global fetch found)" }]),
    ...logger.issues,
    ...(typeof level === "object" ? [level] : []),
  );
  if (issues.length) throw invalid(issues, missingToken);

  return {
    token: token as string,
    baseUrl: (baseUrl as string).replace(/\/+$/, ""),
    identity: identity.identity,
    timeoutMs: timeoutMs as number,
    maxRetries: maxRetries as number,
    fetch: fetchFunction as FetchFunction,
    logger: logger.logger ?? consoleLogger(level as Exclude<typeof level, Issue>),
    allowBrowser: fields.dangerouslyAllowBrowser === true,
  };
}
