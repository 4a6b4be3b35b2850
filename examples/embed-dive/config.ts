// The example's environment, read and checked before anything starts: a bad value stops it with one line that
// names the variable. Pure: the caller passes the environment in and gets a config or a StartupError.
import { operations } from "../../src/rules.js";
import { checkValue } from "../../src/validation/schema.js";

/** One of your customers: who signs in, and the service account their embedded Dive runs as. */
export interface Customer {
  /** What the sign-in cookie names; also sent as `session_name`, so each customer keeps one read-scaling session. */
  readonly id: string;
  /** The customer's service account. */
  readonly username: string;
}

/** A variable whose value stops the example: its message is one line that starts with the variable's name. */
export class StartupError extends Error {
  override name = "StartupError";
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ExampleConfig {
  port: number;
  /** The admin token: set for the real API, absent when the example runs on its own emulator. */
  token?: string;
  baseUrl?: string;
  diveId: string;
  customers: readonly [Customer, ...Customer[]];
  /** The cookie key; absent means a random key for this process. */
  sessionSecret?: string;
  redisUrl?: string;
}

/** A made-up Dive id for the emulator, which embeds any Dive id it is given. */
export const DEMO_DIVE_ID = "8d2f6c1e-4b7a-4e39-9a51-3c0d7e2b9f64";
/** The demo customers on the emulator, whose service accounts the example creates there. */
export const DEMO_CUSTOMERS = "acme:customer_acme,globex:customer_globex";
/** What `EMBED_USERNAME` alone names: one customer with this id. */
export const SINGLE_CUSTOMER_ID = "demo";
/** Shorter keys are guessable enough to forge a customer's cookie. */
export const MIN_SESSION_SECRET_LENGTH = 32;
const DEFAULT_PORT = 3000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Ids travel in a cookie and a form field: letters, digits, `_` and `-` need no escaping in either.
const CUSTOMER_ID = /^[A-Za-z0-9_-]{1,64}$/;
// The rule the library applies to an embed session's username: a service account's.
const serviceAccountNameRule = operations["users-createServiceAccount"].body.properties.username;

const set = (value: string | undefined): value is string => value !== undefined && value !== "";

export function portFrom(env: Env): number {
  if (!set(env.PORT)) return DEFAULT_PORT;
  const port = Number(env.PORT);
  if (!/^\d+$/.test(env.PORT) || port > 65_535) {
    throw new StartupError(
      "PORT",
      `must be a whole number from 0 to 65535 (0: any free port), not ${JSON.stringify(env.PORT)}`,
    );
  }
  return port;
}

function diveIdFrom(value: string): string {
  if (!UUID.test(value)) throw new StartupError("DIVE_ID", `must be a Dive's UUID, not ${JSON.stringify(value)}`);
  return value;
}

/** One `id:service-account` pair of EMBED_CUSTOMERS (or the account of EMBED_USERNAME). */
function customerFrom(variable: string, id: string, username: string): Customer {
  if (!CUSTOMER_ID.test(id)) {
    throw new StartupError(variable, `has a customer id ${JSON.stringify(id)}: use 1 to 64 letters, digits, _ or -`);
  }
  const issues = checkValue(serviceAccountNameRule, username, "username", "reject");
  if (issues.length > 0) {
    throw new StartupError(
      variable,
      `has ${JSON.stringify(username)} for ${id}, not a service account's name: ${issues[0]!.message}`,
    );
  }
  return { id, username };
}

/** `id:service-account` pairs, comma-separated, each id once. */
export function customersFrom(variable: string, value: string): [Customer, ...Customer[]] {
  const customers = value.split(",").map((pair) => {
    const parts = pair.trim().split(":");
    if (parts.length !== 2) {
      throw new StartupError(
        variable,
        `must be id:service-account pairs separated by commas, not ${JSON.stringify(pair)}`,
      );
    }
    return customerFrom(variable, parts[0]!, parts[1]!);
  });
  const repeated = firstRepeated(customers.map((customer) => customer.id));
  if (repeated !== undefined) throw new StartupError(variable, `names the customer ${JSON.stringify(repeated)} twice`);
  // One service account per customer: an account is what a Dive's data is read as, so two customers sharing one
  // would see each other's data. MotherDuck compares usernames without regard to case: svc_a and SVC_A are one.
  const shared = firstRepeated(customers.map((customer) => customer.username.toLowerCase()));
  if (shared !== undefined) {
    throw new StartupError(
      variable,
      `gives the service account ${JSON.stringify(shared)} to two customers: give each customer its own`,
    );
  }
  return customers as [Customer, ...Customer[]];
}

function firstRepeated(values: readonly string[]): string | undefined {
  return values.find((value, index) => values.indexOf(value) !== index);
}

function redisUrlFrom(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "redis:" && url.protocol !== "rediss:") || !url.hostname) {
    // Not quoted: a Redis URL may carry a password.
    throw new StartupError(
      "REDIS_URL",
      "must be a redis:// or rediss:// URL with a host, such as redis://127.0.0.1:6379",
    );
  }
  return value;
}

function sessionSecretFrom(value: string): string {
  if (value.length < MIN_SESSION_SECRET_LENGTH) {
    // Not quoted: it is a secret, however short.
    throw new StartupError("SESSION_SECRET", `must be at least ${MIN_SESSION_SECRET_LENGTH} characters (random ones)`);
  }
  return value;
}

/**
 * The example's settings. With MOTHERDUCK_TOKEN it runs against that API and needs DIVE_ID and its customers;
 * without, on its own emulator, with a demo Dive and demo customers unless told otherwise. Every value given
 * is checked the same way in both modes.
 */
export function readConfig(env: Env): ExampleConfig {
  const port = portFrom(env);
  // The same variables the library reads, in the same order.
  const token = [env.MOTHERDUCK_TOKEN, env.motherduck_token].find(set);
  const baseUrl = set(env.MOTHERDUCK_API_BASE_URL) ? env.MOTHERDUCK_API_BASE_URL : undefined;
  if (!token && baseUrl) {
    throw new StartupError(
      "MOTHERDUCK_API_BASE_URL",
      "is set but MOTHERDUCK_TOKEN is not: set the token for that API, or unset the URL to run on the built-in emulator",
    );
  }
  const needed = (name: string) =>
    new StartupError(name, "is needed when MOTHERDUCK_TOKEN is set (running against the real API)");
  if (token && !set(env.DIVE_ID)) throw needed("DIVE_ID");
  const diveId = diveIdFrom(set(env.DIVE_ID) ? env.DIVE_ID : DEMO_DIVE_ID);
  if (set(env.EMBED_CUSTOMERS) && set(env.EMBED_USERNAME)) {
    throw new StartupError(
      "EMBED_CUSTOMERS",
      "and EMBED_USERNAME are both set: set EMBED_CUSTOMERS for several customers, or EMBED_USERNAME alone for one",
    );
  }
  let customers: [Customer, ...Customer[]];
  if (set(env.EMBED_CUSTOMERS)) customers = customersFrom("EMBED_CUSTOMERS", env.EMBED_CUSTOMERS);
  else if (set(env.EMBED_USERNAME))
    customers = [customerFrom("EMBED_USERNAME", SINGLE_CUSTOMER_ID, env.EMBED_USERNAME)];
  else if (token) throw needed("EMBED_CUSTOMERS (or EMBED_USERNAME)");
  else customers = customersFrom("EMBED_CUSTOMERS", DEMO_CUSTOMERS);
  return {
    port,
    ...(token && { token }),
    ...(baseUrl && { baseUrl }),
    diveId,
    customers,
    // Set but empty is refused, not taken as unset: a fleet whose secret went missing would otherwise start
    // with a random key per server and sign every customer out on each hop between servers.
    ...(env.SESSION_SECRET !== undefined && { sessionSecret: sessionSecretFrom(env.SESSION_SECRET) }),
    ...(set(env.REDIS_URL) && { redisUrl: redisUrlFrom(env.REDIS_URL) }),
  };
}
