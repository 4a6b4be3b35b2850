import createClient, { createQuerySerializer } from "openapi-fetch";
import type { Client } from "openapi-fetch";
import type { paths } from "./generated/schema.js";
import { VERSION } from "./generated/version.js";
import { resolveConfig } from "./config.js";
import type { ClientOptions, ResolvedConfig } from "./config.js";
import { runtimeEnvironment } from "./environment.js";
import { ValidationError } from "./errors.js";
import { safeLogger } from "./logger.js";
import { createRedactor } from "./redact.js";
import { PlainRequest } from "./transport/request.js";
import { createTransport } from "./transport/transport.js";
import { scrubError, withScrubbedErrors } from "./resources/scrubbing.js";
import { createTokensResource } from "./resources/tokens.js";
import type { TokensResource } from "./resources/tokens.js";
import { createUsersResource } from "./resources/users.js";
import type { UsersResource } from "./resources/users.js";
import { createDucklingsResource } from "./resources/ducklings.js";
import type { DucklingsResource } from "./resources/ducklings.js";
import { createAccountsResource } from "./resources/accounts.js";
import type { AccountsResource } from "./resources/accounts.js";
import { createDivesResource } from "./resources/dives.js";
import type { DivesResource } from "./resources/dives.js";

/** A client of the MotherDuck REST API, made by createMotherDuckClient. */
export interface MotherDuckClient {
  /** Access tokens: create, list, delete, rotate. */
  readonly tokens: TokensResource;
  /** Users: list users and service accounts, create service accounts, delete users. */
  readonly users: UsersResource;
  /** Duckling configuration: the size of each user's compute. */
  readonly ducklings: DucklingsResource;
  /** Accounts with running Ducklings (a preview endpoint). */
  readonly accounts: AccountsResource;
  /** Dive embed sessions, for showing a Dive in your own page. */
  readonly dives: DivesResource;
  /**
   * The underlying openapi-fetch client: typed by the spec, with auth, timeouts, retries and body limits,
   * but without validation, scope guards or error mapping. It returns `{ data, error, response }`. Like every
   * call, it sends nothing outside `baseUrl`: a path or per-call `baseUrl` that leads to another origin, out of
   * the base path, or through a `.` or `..` segment is a ValidationError.
   */
  readonly raw: Client<paths>;
}

function runsInBrowser(): boolean {
  const scope = globalThis as { window?: unknown; document?: unknown };
  return scope.window !== undefined && scope.document !== undefined;
}

/** The token option, read without trusting the options object, for scrubbing the errors of its checks. */
function tokenOption(options: unknown): string | undefined {
  try {
    const token = (options as { token?: unknown } | null | undefined)?.token;
    return typeof token === "string" ? token : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The options resolved, or a ValidationError whose text has passed the redactor: an option's name or value
 * can be a secret pasted in the wrong place. A getter or proxy that throws is an invalid option too.
 */
function checkedConfig(options: unknown): ResolvedConfig {
  try {
    return resolveConfig(options, runtimeEnvironment());
  } catch (error) {
    const failure =
      error instanceof ValidationError
        ? error
        : new ValidationError([{ path: "options", message: "could not be read (a getter or proxy threw)" }]);
    throw scrubError(failure, createRedactor([tokenOption(options)]));
  }
}

/**
 * Creates a MotherDuck REST API client. Options are checked at once: no token at all, a bad base URL, an
 * unknown option or a bad value throws a ValidationError here. The environment is read only for the options
 * left out; where the runtime will not let it be read (Deno without --allow-env), it counts as empty.
 */
export function createMotherDuckClient(options: ClientOptions = {}): MotherDuckClient {
  const config = checkedConfig(options);
  if (runsInBrowser() && !config.allowBrowser) {
    throw new ValidationError(
      [{ path: "dangerouslyAllowBrowser", message: "must be true to run in a browser" }],
      "motherduck-rest refuses to run in a browser, where any visitor could read its token: call the API from a " +
        "server, or pass dangerouslyAllowBrowser: true.",
    );
  }
  const redact = createRedactor([config.token]);
  const logger = safeLogger(config.logger, redact);
  const transport = createTransport({ ...config, userAgent: `motherduck-rest/${VERSION}`, logger, redact });
  const raw = createClient<paths>({
    baseUrl: config.baseUrl,
    fetch: transport as unknown as (input: Request) => Promise<Response>,
    Request: PlainRequest as unknown as typeof Request,
    // openapi-fetch builds its default query serializer on every call unless it is given one; this is that
    // same serializer, built once.
    querySerializer: createQuerySerializer(),
  });
  const context = { raw, identity: config.identity, logger, redact };
  return {
    tokens: withScrubbedErrors(createTokensResource(context), redact),
    users: withScrubbedErrors(createUsersResource(context), redact),
    ducklings: withScrubbedErrors(createDucklingsResource(context), redact),
    accounts: withScrubbedErrors(createAccountsResource(context), redact),
    dives: withScrubbedErrors(createDivesResource(context), redact),
    raw,
  };
}
