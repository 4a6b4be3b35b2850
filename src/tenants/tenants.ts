// createTenants: observe what MotherDuck holds, plan the changes (plan.ts, pure), and carry them out
// through the client's public calls, every request of a batch going through one pacer.
import { NotFoundError, ValidationError } from "../index.js";
import type { MotherDuckClient, Token, User } from "../index.js";
import { mergeDucklingConfig } from "../resources/duckling-config.js";
import { checkWholeNumber } from "../options.js";
import { secretKey, tenantPrefix, tokenNameOf } from "./keys.js";
import { acquireLock, lockOf } from "./lock.js";
import type { ReleaseLock } from "./lock.js";
import { followCallerSignal } from "./batch-signal.js";
import { createPacer } from "./pacer.js";
import { SecretStoreError } from "./store-error.js";
import { storedSecretProblem } from "./stored-secret.js";
import type { Pacer } from "./pacer.js";
import { planTenant, publicChange, publicPlan } from "./plan.js";
import type { Observation, PlannedTenant, Step } from "./plan.js";
import type {
  ApplyOptions,
  Change,
  RemoveOptions,
  SecretStore,
  StoredSecret,
  TenantResult,
  TenantSpec,
  Tenants,
  TenantsOptions,
  TenantsReport,
} from "./types.js";
import { validateAccounts, validateSpecs } from "./validate.js";
import { accountNamed, foldUsername } from "./usernames.js";
import type { KnownAccount } from "./usernames.js";

const DEFAULT_CONCURRENCY = 8;
const MAX_CONCURRENCY = 256;
const DEFAULT_LOCK_WAIT_MS = 60_000;
const MAX_LOCK_WAIT_MS = 3_600_000;

// The method of each call, for the pacer's retry rules (creates are POSTs, the default).
const [GET, PUT, DELETE] = ["GET", "PUT", "DELETE"];

const accountsOf = (specs: readonly TenantSpec[]) => specs.map((spec) => spec.serviceAccount);

/** A tenant failed for a reason of its own: reported, never thrown out of the batch. */
class TenantFailure extends Error {}

/** Marks the step under way as done, once what it changes has happened (even if the step fails after). */
type MarkMade = () => void;

function readBatchOptions(options: RemoveOptions | undefined): { concurrency: number; signal?: AbortSignal } {
  const concurrency = options?.concurrency ?? DEFAULT_CONCURRENCY;
  const issues = checkWholeNumber(concurrency, "options.concurrency", 1, MAX_CONCURRENCY);
  if (options?.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    issues.push({ path: "options.signal", message: "must be an AbortSignal" });
  }
  if (options?.onProgress !== undefined && typeof options.onProgress !== "function") {
    issues.push({ path: "options.onProgress", message: "must be a function" });
  }
  if (issues.length) throw new ValidationError(issues);
  return { concurrency, ...(options?.signal && { signal: options.signal }) };
}

/** A failure's message for the report. Client errors carry no secret; anything else is named by its kind only. */
function describeFailure(error: unknown): string {
  if (error instanceof Error) return error.message;
  return `a non-error was thrown (${typeof error})`;
}

/** Runs `work` for each item, at most `width` at once (the pacer bounds requests; this bounds memory). */
async function eachLimited<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/**
 * The tenants of the organization `md` administers: `plan`, `apply`, `remove` and `secret`. `md` needs an
 * Admin read/write token (S2). Secrets go to `options.secrets`; `options.now` is a clock for tests.
 *
 * @example
 * ```ts
 * const tenants = createTenants(md, { secrets: fileSecretStore("./secrets") });
 * const report = await tenants.apply([{ serviceAccount: "t_acme", tokens: { app: { ttl: 30 * 24 * 3600 } } }]);
 * ```
 */
export function createTenants(md: MotherDuckClient, options: TenantsOptions): Tenants {
  const secrets: SecretStore | undefined = options?.secrets;
  if (!secrets || typeof secrets.get !== "function") {
    throw new ValidationError([{ path: "options.secrets", message: "is required: a SecretStore" }]);
  }
  const now = options.now ?? Date.now;
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const lockIssues = checkWholeNumber(lockWaitMs, "options.lockWaitMs", 0, MAX_LOCK_WAIT_MS);
  if (lockIssues.length) throw new ValidationError(lockIssues);
  const tryLock = lockOf(secrets);

  /**
   * Which of `usernames` exist, under which exact username, and whether each is a service account: one paged
   * scan of the organization's users, keyed without regard to case as MotherDuck compares usernames. The API
   * may leave `is_service_account` out of a listing; only then, one more scan filtered to service accounts
   * settles the users the batch names, so an account of unknown kind is never taken for one.
   */
  async function scanAccounts(pacer: Pacer, usernames: readonly string[]): Promise<Map<string, KnownAccount>> {
    const users: User[] = await pacer.run((callOptions) => md.users.list({}, callOptions), GET);
    const listed = new Map(users.map((user) => [foldUsername(user.username), user]));
    const unknown = usernames.filter((name) => {
      const user = listed.get(foldUsername(name));
      return user !== undefined && typeof user.is_service_account !== "boolean";
    });
    const accounts = new Map<string, KnownAccount>();
    for (const [folded, user] of listed) {
      accounts.set(folded, { username: user.username, isServiceAccount: user.is_service_account === true });
    }
    if (unknown.length) {
      const filter = { is_service_account: true };
      const serviceAccounts = await pacer.run((callOptions) => md.users.list(filter, callOptions), GET);
      const names = new Set(serviceAccounts.map((user) => foldUsername(user.username)));
      for (const name of unknown) accounts.get(foldUsername(name))!.isServiceAccount = names.has(foldUsername(name));
    }
    return accounts;
  }

  /** The batch's accounts with `username` looked up again; the batch's own when the lookup fails. */
  async function rescan(
    pacer: Pacer,
    username: string,
    accounts: Map<string, KnownAccount>,
  ): Promise<Map<string, KnownAccount>> {
    return scanAccounts(pacer, [username]).catch(() => accounts);
  }

  /** The spec under the exact username the API knows its account by, when that differs only in case. */
  function asKnown(spec: TenantSpec, accounts: Map<string, KnownAccount>): TenantSpec {
    const known = accountNamed(accounts, spec.serviceAccount);
    return known ? { ...spec, serviceAccount: known.username } : spec;
  }

  async function storedOf(serviceAccount: string): Promise<Record<string, StoredSecret>> {
    const prefix = tenantPrefix(serviceAccount);
    // No prototype: a token named "__proto__" or "toString" is a name like any other.
    const stored: Record<string, StoredSecret> = Object.create(null);
    for (const key of await secrets!.keys(prefix)) {
      // A store that answers more than it was asked for is not trusted with another tenant's keys.
      if (!key.startsWith(prefix)) continue;
      const value = await secrets!.get(key);
      if (value === undefined) continue;
      const problem = storedSecretProblem(value);
      if (problem !== undefined) throw new SecretStoreError(`the secret store's value under ${key} ${problem}`, key);
      stored[tokenNameOf(key, prefix)] = value;
    }
    return stored;
  }

  async function observe(spec: TenantSpec, accounts: Map<string, KnownAccount>, pacer: Pacer): Promise<Observation> {
    const kind = accountNamed(accounts, spec.serviceAccount)?.isServiceAccount;
    const account = kind === undefined ? "absent" : kind ? "service-account" : "person";
    if (account === "person") return { account, tokens: [], stored: Object.create(null) };
    const stored = await storedOf(spec.serviceAccount);
    if (account === "absent") return { account, tokens: [], stored };
    const tokens = await pacer.run((o) => md.tokens.list(spec.serviceAccount, o), GET);
    const ducklings = spec.ducklings
      ? await pacer.run((o) => md.ducklings.get(spec.serviceAccount, o), GET)
      : undefined;
    return { account, tokens, stored, ...(ducklings && { ducklings }) };
  }

  async function planOne(given: TenantSpec, accounts: Map<string, KnownAccount>, pacer: Pacer): Promise<PlannedTenant> {
    const spec = asKnown(given, accounts);
    try {
      return planTenant(spec, await observe(spec, accounts, pacer), now());
    } catch (error) {
      throwIfBatchAborted(pacer);
      return { serviceAccount: spec.serviceAccount, steps: [], error: describeFailure(error) };
    }
  }

  const aborts = new WeakMap<Pacer, AbortSignal | undefined>();
  /** Once the batch is aborted, any failure is the abort's: the caller's reason is thrown, nothing is reported. */
  function throwIfBatchAborted(pacer: Pacer): void {
    const signal = aborts.get(pacer);
    if (signal?.aborted) throw signal.reason;
  }

  /** Revokes a token; one already gone is as good as revoked. */
  async function revoke(pacer: Pacer, serviceAccount: string, id: string): Promise<void> {
    try {
      await pacer.run((o) => md.tokens.delete(serviceAccount, id, o), DELETE);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  /** Mint, then store, then revoke the older ones; when storing fails, the new token is revoked instead. */
  async function mint(pacer: Pacer, step: Step & { token: string }, made: MarkMade): Promise<string | undefined> {
    const { serviceAccount, token: name } = step;
    const created: Token = await pacer.run((o) => md.tokens.create(serviceAccount, step.mint!, o));
    const secret: StoredSecret = {
      id: created.id,
      name,
      token: created.token,
      token_type: created.token_type,
      expire_at: created.expire_at ?? null,
      created_ts: created.created_ts,
      ...(step.mint!.description !== undefined && { description: step.mint!.description }),
    };
    try {
      await secrets!.set(secretKey(serviceAccount, name), secret);
    } catch (error) {
      // A store's own message might quote what it was given: the new secret never goes further.
      const why = describeFailure(error).split(created.token).join("[secret]");
      let revoked = "the new token was revoked";
      try {
        await revoke(pacer, serviceAccount, created.id);
      } catch {
        revoked = `the new token ${created.id} could not be revoked either (a re-run revokes it)`;
      }
      throw new TenantFailure(
        `storing the secret of token "${name}" failed (${why}); ${revoked}, and the old one keeps working`,
      );
    }
    made();
    for (const id of step.revokeIds ?? []) await revoke(pacer, serviceAccount, id);
    const wanted = step.mint!.description;
    if (wanted !== undefined && created.description !== wanted) {
      return (
        `the API answered the creation of token "${name}" without its description (a region that does not ` +
        `store descriptions yet); the token works and its secret is stored, but the description is not kept`
      );
    }
    return undefined;
  }

  /** Carries out one step; returns a reason the tenant fails after it, if any. */
  async function carryOut(pacer: Pacer, step: Step, made: MarkMade): Promise<string | undefined> {
    const { serviceAccount } = step;
    switch (step.kind) {
      case "create-service-account":
        await pacer.run((o) => md.users.createServiceAccount(serviceAccount, o));
        return undefined;
      case "set-ducklings":
        if (step.config) await pacer.run((o) => md.ducklings.set(serviceAccount, step.config!, o), PUT);
        else {
          const current = await pacer.run((o) => md.ducklings.get(serviceAccount, o), GET);
          const config = mergeDucklingConfig(current, step.ducklings!);
          await pacer.run((o) => md.ducklings.set(serviceAccount, config, o), PUT);
        }
        return undefined;
      case "mint-token":
      case "replace-token":
        return mint(pacer, step as Step & { token: string }, made);
      case "revoke-token":
        for (const id of step.revokeIds ?? []) {
          await revoke(pacer, serviceAccount, id);
          made();
        }
        if (step.forgetSecret) await secrets!.delete(secretKey(serviceAccount, step.token!));
        return undefined;
      case "delete-service-account":
        return undefined;
    }
  }

  function outcomeOf(planned: PlannedTenant, done: Change[], error: string | undefined): TenantResult {
    const base = { serviceAccount: planned.serviceAccount, changes: done };
    if (error !== undefined) return { ...base, outcome: "failed", error };
    const created = done.some((change) => change.kind === "create-service-account");
    return { ...base, outcome: created ? "created" : done.length ? "changed" : "unchanged" };
  }

  async function applyOne(pacer: Pacer, planned: PlannedTenant): Promise<TenantResult> {
    if (planned.error !== undefined) return outcomeOf(planned, [], planned.error);
    const done: Change[] = [];
    let error: string | undefined;
    for (const step of planned.steps) {
      let marked = false;
      // A step that fails after its change happened (a revoke, then the store's delete) still reports it.
      const made = () => {
        if (!marked) done.push(publicChange(step));
        marked = true;
      };
      try {
        const problem = await carryOut(pacer, step, made);
        made();
        if (problem !== undefined) error = error === undefined ? problem : `${error}; ${problem}`;
      } catch (failure) {
        throwIfBatchAborted(pacer);
        return outcomeOf(planned, done, describeFailure(failure));
      }
    }
    return outcomeOf(planned, done, error);
  }

  /** Runs `work` as one batch: its options read, one pacer for all its requests, and the caller's signal followed. */
  async function inBatch<T>(
    options: RemoveOptions | undefined,
    work: (batch: { concurrency: number; pacer: Pacer; onProgress: RemoveOptions["onProgress"] }) => Promise<T>,
  ): Promise<T> {
    const { concurrency, signal } = readBatchOptions(options);
    const followed = followCallerSignal(signal);
    try {
      const pacer = createPacer(concurrency, followed.signal);
      aborts.set(pacer, followed.signal);
      return await work({ concurrency, pacer, onProgress: options?.onProgress });
    } finally {
      followed.release();
    }
  }

  /**
   * Runs `work` holding the tenant's lock, from observing it to its last change; a lock another run keeps
   * for the whole wait fails this tenant alone. `work` learns whether it had to wait: what the batch saw of
   * the tenant before may have changed meanwhile.
   */
  async function locked(
    pacer: Pacer,
    serviceAccount: string,
    work: (waited: boolean) => Promise<TenantResult>,
  ): Promise<TenantResult> {
    let release: ReleaseLock;
    let waited = false;
    try {
      release = await acquireLock(tryLock, serviceAccount, lockWaitMs, aborts.get(pacer), () => (waited = true));
    } catch (error) {
      throwIfBatchAborted(pacer);
      return { serviceAccount, outcome: "failed", changes: [], error: describeFailure(error) };
    }
    try {
      return await work(waited);
    } finally {
      // A lock that cannot be let go is taken over once its holder is gone; the tenant's result stands.
      await Promise.resolve()
        .then(release)
        .catch(() => undefined);
    }
  }

  /** Runs each tenant, reports progress as each finishes, and keeps the report in the order given. */
  async function runBatch<T>(
    items: readonly T[],
    width: number,
    onProgress: RemoveOptions["onProgress"],
    work: (item: T) => Promise<TenantResult>,
  ): Promise<TenantsReport> {
    const results: TenantResult[] = new Array(items.length);
    let finished = 0;
    await eachLimited(items, width, async (item, index) => {
      const result = await work(item);
      results[index] = result;
      finished++;
      try {
        onProgress?.({ tenant: result, done: finished, total: items.length });
      } catch {
        // A progress display that fails must not stop the batch half-way; the report still says it all.
      }
    });
    return { tenants: results, failed: results.filter((result) => result.outcome === "failed").length };
  }

  /** Deletes one service account, then its stored secrets; reports the deletion even when forgetting fails. */
  async function removeOne(
    pacer: Pacer,
    accounts: ReadonlyMap<string, KnownAccount>,
    serviceAccount: string,
  ): Promise<TenantResult> {
    const change: Change = { kind: "delete-service-account", serviceAccount, reason: "removed" };
    const isServiceAccount = accountNamed(accounts, serviceAccount)?.isServiceAccount;
    if (isServiceAccount === false) {
      const error = `"${serviceAccount}" is a person's username, not a service account: it is not deleted`;
      return { serviceAccount, outcome: "failed", changes: [], error };
    }
    let deleted = false;
    try {
      if (isServiceAccount) {
        try {
          await pacer.run((o) => md.users.delete(serviceAccount, o), DELETE);
          deleted = true;
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      // The account first, then its secrets: a crash between leaves secrets a re-run forgets.
      for (const key of await secrets!.keys(tenantPrefix(serviceAccount))) await secrets!.delete(key);
      return { serviceAccount, outcome: deleted ? "removed" : "unchanged", changes: deleted ? [change] : [] };
    } catch (error) {
      throwIfBatchAborted(pacer);
      return { serviceAccount, outcome: "failed", changes: deleted ? [change] : [], error: describeFailure(error) };
    }
  }

  return {
    async plan(given, planOptions) {
      const specs = validateSpecs(given);
      return inBatch(planOptions, async ({ pacer, concurrency }) => {
        const accounts = await scanAccounts(pacer, accountsOf(specs));
        const plans = new Array<PlannedTenant>(specs.length);
        await eachLimited(specs, concurrency, async (spec, index) => {
          plans[index] = await planOne(spec, accounts, pacer);
        });
        return plans.map(publicPlan);
      });
    },

    async apply(given, applyOptions?: ApplyOptions) {
      const specs = validateSpecs(given);
      return inBatch(applyOptions, async ({ pacer, concurrency, onProgress }) => {
        const accounts = await scanAccounts(pacer, accountsOf(specs));
        return runBatch(specs, concurrency, onProgress, (spec) =>
          locked(pacer, spec.serviceAccount, async (waited) => {
            const absent = accountNamed(accounts, spec.serviceAccount) === undefined;
            // Another run converged it meanwhile: whether the account exists is asked again, not assumed.
            const seen = waited && absent ? await rescan(pacer, spec.serviceAccount, accounts) : accounts;
            const result = await applyOne(pacer, await planOne(spec, seen, pacer));
            if (result.outcome !== "failed" || result.changes.length > 0 || seen !== accounts || !absent) return result;
            // The batch's scan said absent, but another run may have created the account and let go of its lock
            // before this one took it: a create refused with nothing done asks once more, then converges.
            const again = await rescan(pacer, spec.serviceAccount, accounts);
            if (accountNamed(again, spec.serviceAccount) === undefined) return result;
            return applyOne(pacer, await planOne(spec, again, pacer));
          }),
        );
      });
    },

    async remove(given, removeOptions) {
      const serviceAccounts = validateAccounts(given);
      return inBatch(removeOptions, async ({ pacer, concurrency, onProgress }) => {
        const accounts = await scanAccounts(pacer, serviceAccounts);
        return runBatch(serviceAccounts, concurrency, onProgress, (given) => {
          // "T_ACME" removes the account the API knows as "t_acme": MotherDuck holds them to be one.
          const serviceAccount = accountNamed(accounts, given)?.username ?? given;
          return locked(pacer, serviceAccount, () => removeOne(pacer, accounts, serviceAccount));
        });
      });
    },

    async secret(serviceAccount, tokenName) {
      return secrets.get(secretKey(serviceAccount, tokenName));
    },
  };
}
