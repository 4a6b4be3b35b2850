// A local MotherDuck REST API for tests, demos and anyone without an account. It keeps state and
// enforces the token-scope table, which stateless mock servers cannot.
import { setMaxListeners } from "node:events";
import type { AddressInfo } from "node:net";
import type { Role } from "../scope.js";
import type { ActiveDuckling } from "../types.js";
import { Store } from "./store.js";
import type { EmbedSessionRecord } from "./store.js";
import { createEmulatorServer } from "./server.js";
import type { Exchange } from "./server.js";
import { createFaults } from "./faults.js";
import { ducklingsIssue } from "./active-ducklings.js";
import { enums } from "../rules.js";
import type { FaultOptions } from "./faults.js";
import { createRateLimiter } from "./rate-limit.js";
import type { RateLimitOptions } from "./rate-limit.js";

/** One request and the emulator's answer to it, as `onExchange` sees it. */
export type { Exchange };
/** The faults `startEmulator({ faults })` can inject: shares of 429s and 503s, and delays. */
export type { FaultOptions };
/** The rate limit `startEmulator({ rateLimit })` applies: `{ perSecond, burst? }` per organization. */
export type { RateLimitOptions };
/** An embed session the emulator minted, as `embedSessions()` lists it: `{ session, diveId, username, sessionName?, version?, createdAt, expiresAt }`. */
export type { EmbedSessionRecord };

/** Which organization's user `activate` and `deactivate` mean: `acme` unless told. */
export interface UserLocator {
  /** Default `acme`, the organization of the seeded users. */
  organization?: string;
}

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Called after each answer, with the request and the answer: for tests that check the traffic. A hook
   * that throws or rejects never stops the emulator: its first failure is reported on stderr.
   */
  onExchange?: (exchange: Exchange) => void;
  /**
   * Faults to inject, for tests of your own retry code. Each request draws at random whether it is
   * answered `429` (with `Retry-After`) or `503`, and whether it is delayed; a faulted request is answered
   * before authentication and changes nothing. Pass a `seed` to meet the same faults on every run.
   * Nonsense (a share outside 0 to 1, a negative delay, an unknown option) throws a RangeError.
   *
   * @example
   * ```ts
   * await startEmulator({ faults: { rate429: 0.2, retryAfterSeconds: 0, delayMs: [10, 50], seed: 1 } });
   * ```
   */
  faults?: FaultOptions;
  /**
   * A rate limit as a real API applies one: a token bucket per organization of the bearer (an unknown
   * bearer has a bucket of its own), refilled at `perSecond` up to `burst` (default `perSecond`). A request
   * over it is answered `429` with the `Retry-After` (whole seconds, at least 1) after which it would pass,
   * and changes nothing. Nonsense (a rate ≤ 0, a burst below 1, an unknown option) throws a RangeError.
   *
   * @example
   * ```ts
   * await startEmulator({ rateLimit: { perSecond: 100 } });
   * ```
   */
  rateLimit?: RateLimitOptions;
}

/** A running emulator. */
export interface Emulator {
  /** The base URL to give the client. */
  url: string;
  /** A read/write token of `alice`, an Admin of organization `acme`. */
  adminToken: string;
  /** A read/write token of `bob`, a Member of organization `acme`. */
  memberToken: string;
  /** Adds a user (organization `acme` unless told) and returns a read/write token for them. */
  addUser(user: { username: string; role: Role; organization?: string }): { token: string };
  /**
   * Marks a user's Ducklings as running, since no REST call starts one: `GET /v1/active_accounts` then lists
   * the user with these Ducklings. Default: the user's read/write Duckling, running (id `rw`, type
   * read_write, status `active`). The list replaces what ran before; an empty list stops them all. Throws for an
   * unknown user or a Duckling that lacks a string `id`, `type` or `status`.
   */
  activate(username: string, ducklings?: readonly ActiveDuckling[], where?: UserLocator): void;
  /** Stops every Duckling of a user, as `activate(username, [])` does: the user leaves the active accounts. */
  deactivate(username: string, where?: UserLocator): void;
  /** Every embed session minted so far, oldest first, with its Dive, service account and lifetime. */
  embedSessions(): EmbedSessionRecord[];
  /** Moves the emulator's clock forward, so that tokens expire without waiting. */
  advanceTime(seconds: number): void;
  /** Stops the server: open connections are closed and delayed requests dropped. Resolves once it has stopped. */
  close(): Promise<void>;
}

/**
 * The Duckling `activate` starts when told none: the user's read/write Duckling, running. A Duckling's type
 * bears the name of the token type that reaches it, which is how the spec's description names them.
 */
const defaultDuckling = (): ActiveDuckling => ({ id: "rw", type: enums.token_type.read_write, status: "active" });

/** A copy of the Ducklings given to `activate`, refused at once if the answers built from them would break the spec. */
function checkedDucklings(ducklings: readonly ActiveDuckling[]): ActiveDuckling[] {
  const issue = ducklingsIssue(ducklings, "ducklings");
  if (issue) throw new TypeError(`activate: ${issue.path} ${issue.message}`);
  return ducklings.map(({ id, type, status }) => ({ id, type, status }));
}

/**
 * Starts a local MotherDuck REST API on loopback, seeded with organization "acme": `alice` (Admin) and `bob`
 * (Member), each with a read/write token. It enforces the spec's rules, revocation, expiry and the scope
 * table (S1 to S4), so tests of your own code meet the same refusals the real API gives. Every answer
 * carries a fresh `x-request-id`. A running emulator also takes `activate`, `deactivate` and `advanceTime`
 * over HTTP, as `POST /_emulator/activate` (`{ username }`), `/_emulator/deactivate` and
 * `/_emulator/advance-time` (`{ seconds }`), with `adminToken` as bearer: for a process that cannot call
 * these functions, such as a shell script using the CLI.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  // Checked before anything starts, so that bad options leave no server behind.
  const nextFault = createFaults(options.faults);
  const rateLimit = createRateLimiter(options.rateLimit);
  const store = new Store();
  const addUser = ({
    username,
    role,
    organization = "acme",
  }: {
    username: string;
    role: Role;
    organization?: string;
  }) => {
    const user = store.addUser({ username, role, organization, serviceAccount: false });
    return { token: store.createToken(user, { name: "seed" }).secret };
  };
  const activate = (username: string, ducklings = [defaultDuckling()], { organization = "acme" }: UserLocator = {}) => {
    const user = store.user(organization, username);
    if (!user) throw new Error(`activate: no user "${username}" in organization "${organization}"`);
    user.running = checkedDucklings(ducklings);
  };
  const adminToken = addUser({ username: "alice", role: "admin" }).token;
  const memberToken = addUser({ username: "bob", role: "member" }).token;

  const closing = new AbortController();
  // Each delayed request listens for the close: many at once are expected, not a leak.
  setMaxListeners(0, closing.signal);
  const advanceTime = (seconds: number) => store.advance(seconds);
  const server = createEmulatorServer(store, {
    ...(options.onExchange && { onExchange: options.onExchange }),
    ...(nextFault && { nextFault }),
    ...(rateLimit && { rateLimit }),
    closed: closing.signal,
    control: {
      adminToken,
      isLiveToken: (secret) => !("reason" in store.authenticate(secret)),
      hasUser: (username, organization) => store.user(organization, username) !== undefined,
      activate: (username, ducklings, organization) => activate(username, ducklings, { organization }),
      deactivate: (username, organization) => activate(username, [], { organization }),
      advanceTime,
      now: () => store.now(),
    },
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    adminToken,
    memberToken,
    addUser,
    activate,
    deactivate: (username, where) => activate(username, [], where),
    embedSessions: () => store.embedSessions(),
    advanceTime,
    close() {
      closing.abort();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
