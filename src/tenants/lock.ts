// Per-tenant locks: one run at a time observes, plans and changes a tenant, so two overlapping runs never
// revoke each other's fresh tokens. A store may lock across processes; otherwise a lock in this process does.
import { sleep } from "../transport/abort.js";
import type { SecretStore } from "./types.js";

/** Lets go of a tenant's lock. */
export type ReleaseLock = () => Promise<void>;

/** Takes a tenant's lock at once, or says (undefined) that another run holds it now. */
export type TryLock = (serviceAccount: string) => Promise<ReleaseLock | undefined>;

/** Locks held in this process only: each name by one holder at a time. */
export function inProcessLocks(): TryLock {
  const held = new Set<string>();
  return async (serviceAccount) => {
    if (held.has(serviceAccount)) return undefined;
    held.add(serviceAccount);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      held.delete(serviceAccount);
    };
  };
}

// A store without a lock of its own shares these in-process locks with every createTenants given that store.
const fallbackLocks = new WeakMap<SecretStore, TryLock>();

/** The lock a batch takes for each tenant: the store's own when it has one, else one per (store, tenant) here. */
export function lockOf(store: SecretStore): TryLock {
  if (typeof store.lock === "function") return (serviceAccount) => store.lock!(serviceAccount);
  let locks = fallbackLocks.get(store);
  if (!locks) fallbackLocks.set(store, (locks = inProcessLocks()));
  return locks;
}

/** Another run held a tenant's lock for the whole wait: the tenant is left to that run. */
export class LockBusy extends Error {}

const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 500;

/** The pause before the `attempt`-th retry (0-based): doubling from 20 ms, at most 500 ms. */
export function lockPause(attempt: number): number {
  return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.min(attempt, 10));
}

/**
 * Takes `serviceAccount`'s lock, trying again while another run holds it, for at most `waitMs` (this
 * machine's real time, not the tenants clock); `onWait` is told when it has to wait. Throws LockBusy when the
 * wait runs out, or the abort's reason.
 */
export async function acquireLock(
  tryLock: TryLock,
  serviceAccount: string,
  waitMs: number,
  signal: AbortSignal | undefined,
  onWait: () => void = () => {},
): Promise<ReleaseLock> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    const release: unknown = await tryLock(serviceAccount);
    if (typeof release === "function") return release as ReleaseLock;
    if (release !== undefined) {
      throw new TypeError("the secret store's lock resolved to neither a function that releases it nor undefined");
    }
    onWait();
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new LockBusy(
        `another run is converging "${serviceAccount}" (it holds the tenant's lock); it was left to that run: ` +
          `apply again once that run is done`,
      );
    }
    await sleep(Math.min(lockPause(attempt), left), signal);
  }
}
