// The public shapes of `motherduck-rest/tenants`: what a tenant is declared as, what a plan and a report
// say, and what a secret store must do. The field names of tokens and Ducklings stay the spec's own.
import type { TokenType } from "../types.js";
import type { DucklingChange } from "../resources/duckling-config.js";

/**
 * One token a tenant holds, by its name. Fields as `tokens.create` takes them (`ttl` in seconds), plus
 * `renewBefore`: how many seconds before its expiry a token is replaced (default a third of its lifetime).
 */
export interface TokenSpec {
  /** The token's type, one of the spec's `token_type` values; default read/write. */
  token_type?: TokenType;
  /** Lifetime in seconds; without it the token never expires (S7). */
  ttl?: number;
  /** The token's description, compared on every run. */
  description?: string;
  /** Seconds before expiry at which the token is replaced. Default: a third of its lifetime. */
  renewBefore?: number;
}

/** One customer, declared: a service account, optionally its Ducklings and its tokens by name. */
export interface TenantSpec {
  /** The tenant's key: the service account's username. Created when absent, never renamed. */
  serviceAccount: string;
  /** The Ducklings, half by half; a half or a cooldown left out is not compared. */
  ducklings?: DucklingChange;
  /** The tokens, by the name MotherDuck shows (letters, digits, `_`, `-`, `.`, not starting with `.`, within the spec's length for a token name). */
  tokens?: Record<string, TokenSpec>;
}

/** What a change does. `+` kinds create, `~` kinds change, `-` kinds remove. */
export type ChangeKind =
  | "create-service-account"
  | "set-ducklings"
  | "mint-token"
  | "replace-token"
  | "revoke-token"
  | "delete-service-account";

/** One step towards a tenant's spec, with the reason it is needed. */
export interface Change {
  /** What the step does. */
  kind: ChangeKind;
  /** The tenant it concerns. */
  serviceAccount: string;
  /** The token name, for the token kinds. */
  token?: string;
  /** Why, in words: "absent", "expires in 2h", "type differs", … */
  reason: string;
}

/** A tenant's planned changes; a tenant that cannot be converged carries `error` and no change. */
export interface TenantPlan {
  /** The tenant's service account. */
  serviceAccount: string;
  /** The changes `apply` would make, in order. */
  changes: Change[];
  /** Why the tenant cannot be converged (a person's username, for example). */
  error?: string;
}

/** How a tenant ended: created, changed, left as it was, removed, or failed (with `error`). */
export type TenantOutcome = "created" | "changed" | "unchanged" | "removed" | "failed";

/** One tenant's line in a report. */
export interface TenantResult {
  /** The tenant's service account. */
  serviceAccount: string;
  /** How it ended. */
  outcome: TenantOutcome;
  /** The changes made (for a failed tenant, those made before it failed). */
  changes: Change[];
  /** What went wrong, for a failed tenant. Never holds a secret. */
  error?: string;
}

/** The result of `apply` or `remove`: a line per tenant, in the order given, and how many failed. */
export interface TenantsReport {
  /** One entry per tenant, in the order given. */
  tenants: TenantResult[];
  /** How many tenants failed. */
  failed: number;
}

/** Progress of a batch, after each tenant finishes. */
export interface TenantsProgress {
  /** The tenant that just finished. */
  tenant: TenantResult;
  /** How many tenants have finished. */
  done: number;
  /** How many tenants the batch holds. */
  total: number;
}

/** Options of `remove`. */
export interface RemoveOptions {
  /** Aborts the batch: what was not sent is not sent, and the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after each tenant finishes. */
  onProgress?: (progress: TenantsProgress) => void;
  /** The most requests in flight (default 8). */
  concurrency?: number;
}

/** Options of `apply`. */
export interface ApplyOptions extends RemoveOptions {}

/**
 * A token's secret as kept in a store: the fields of the create answer (`expire_at` is `null` for a token
 * that never expires). A stored secret is a credential.
 */
export interface StoredSecret {
  /** The token's id, as `tokens.list` shows it. */
  id: string;
  /** The token's name. */
  name: string;
  /** The secret itself. */
  token: string;
  /** Its type. */
  token_type: TokenType;
  /** When it expires (ISO 8601), or `null` for never. */
  expire_at: string | null;
  /** When it was created (ISO 8601). */
  created_ts: string;
  /** The description asked for when it was minted, if any: how a region that drops descriptions is noticed. */
  description?: string;
}

/**
 * Where secrets are kept, keyed `<serviceAccount>/<token name>`. All async. `set` must keep the value
 * whole or not at all; `keys(prefix)` lists the keys that start with `prefix`.
 */
export interface SecretStore {
  /** The secret under `key`, or undefined. A value that cannot be read throws. */
  get(key: string): Promise<StoredSecret | undefined>;
  /** Keeps `value` under `key`, replacing what was there. */
  set(key: string, value: StoredSecret): Promise<void>;
  /** Forgets `key`; a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /**
   * Optional: takes the lock of one tenant, held by `apply` and `remove` from observing it until its changes are
   * done, so that two overlapping runs (a nightly job and a signup, two processes on one folder) never undo
   * each other. Resolves at once: to a function that releases the lock, or to `undefined` while another run
   * holds it (the batch then tries again for a bounded time, and fails that tenant if it stays held). A lock
   * left by a crashed run should be taken over once its holder is provably gone. Without this method, the lock
   * is per store object, in this process only.
   */
  lock?(serviceAccount: string): Promise<(() => Promise<void>) | undefined>;
}

/** Options of `createTenants`. */
export interface TenantsOptions {
  /** Where the tokens' secrets are kept. */
  secrets: SecretStore;
  /** The clock, in milliseconds since the epoch, for deciding renewals. Default `Date.now`. For tests. */
  now?: () => number;
  /**
   * How long, in milliseconds, a tenant waits while another run holds its lock before it fails with an error
   * saying so (a re-run converges it). Default 60 000.
   */
  lockWaitMs?: number;
}

/** The tenants of an organization, declared and converged. */
export interface Tenants {
  /** What `apply` would change, per tenant. Reads only; writes nothing. @throws ValidationError for a batch that breaks the rules */
  plan(specs: readonly TenantSpec[], options?: Pick<ApplyOptions, "signal" | "concurrency">): Promise<TenantPlan[]>;
  /** Converges every tenant to its spec. @throws ValidationError for a batch that breaks the rules, before anything is sent */
  apply(specs: readonly TenantSpec[], options?: ApplyOptions): Promise<TenantsReport>;
  /** Deletes each service account and its stored secrets; one already gone is `unchanged`. */
  remove(serviceAccounts: readonly string[], options?: RemoveOptions): Promise<TenantsReport>;
  /** The stored secret of a tenant's token: what your app connects with. */
  secret(serviceAccount: string, tokenName: string): Promise<StoredSecret | undefined>;
}
