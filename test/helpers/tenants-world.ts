// A fresh emulator, a client of its admin, a clock that follows the emulator's, and a secret store: what
// each tenants test starts from. Every exchange is checked against the spec, as in the other emulator tests.
import { createMotherDuckClient } from "../../src/index.js";
import type { MotherDuckClient } from "../../src/index.js";
import { startEmulator } from "../../src/emulator/index.js";
import type { Emulator, EmulatorOptions, Exchange } from "../../src/emulator/index.js";
import { memorySecretStore } from "../../src/tenants/index.js";
import type { SecretStore, StoredSecret, TenantSpec } from "../../src/tenants/index.js";
import { isLive } from "../../src/tenants/plan.js";
import { exchangeViolations } from "./emulator.js";

/** A stored secret as a store keeps it, for tests of the stores themselves. */
export const STORED_SECRET: StoredSecret = {
  id: "id-1",
  name: "app",
  token: "secret-value",
  token_type: "read_write",
  expire_at: null,
  created_ts: "2026-01-01T00:00:00Z",
};

export interface World {
  emulator: Emulator;
  md: MotherDuckClient;
  exchanges: Exchange[];
  violations: string[];
  store: SecretStore;
  /** The clock the tenants module is given: the emulator's, as moved by `advance`. */
  now: () => number;
  advance(seconds: number): void;
  close(): Promise<void>;
}

export async function startWorld(
  options: { emulator?: EmulatorOptions; fetch?: typeof fetch; store?: SecretStore } = {},
): Promise<World> {
  const exchanges: Exchange[] = [];
  const violations: string[] = [];
  const emulator = await startEmulator({
    ...options.emulator,
    onExchange(exchange) {
      exchanges.push(exchange);
      violations.push(...exchangeViolations(exchange));
    },
  });
  let advancedMs = 0;
  const md = createMotherDuckClient({
    baseUrl: emulator.url,
    token: emulator.adminToken,
    logger: {},
    ...(options.fetch && { fetch: options.fetch }),
  });
  return {
    emulator,
    md,
    exchanges,
    violations,
    store: options.store ?? memorySecretStore(),
    now: () => Date.now() + advancedMs,
    advance(seconds) {
      emulator.advanceTime(seconds);
      advancedMs += seconds * 1000;
    },
    close: () => emulator.close(),
  };
}

/**
 * What `apply` promises for converged tenants, checked against the emulator and the store: each declared
 * token name has exactly one live token, the store holds its secret under the same id and the secret works;
 * no stored secret belongs to a dead token. Returns the problems found (none when it holds).
 */
export async function invariantProblems(world: World, specs: readonly TenantSpec[]): Promise<string[]> {
  const problems: string[] = [];
  const nowMs = world.now();
  for (const spec of specs) {
    const sa = spec.serviceAccount;
    const tokens = (await world.md.tokens.list(sa)).filter((token) => isLive(token, nowMs));
    for (const name of Object.keys(spec.tokens ?? {})) {
      const live = tokens.filter((token) => token.name === name);
      const stored = await world.store.get(`${sa}/${name}`);
      if (live.length !== 1) problems.push(`${sa}/${name}: ${live.length} live tokens`);
      if (!stored) problems.push(`${sa}/${name}: no stored secret`);
      else if (live.length === 1 && stored.id !== live[0]!.id) problems.push(`${sa}/${name}: stored id differs`);
      else if (stored) {
        const own = createMotherDuckClient({ baseUrl: world.emulator.url, token: stored.token, logger: {} });
        if (stored.token_type === "read_write")
          await own.tokens.list(sa).catch(() => problems.push(`${sa}/${name}: secret fails`));
      }
    }
    for (const key of await world.store.keys(`${sa}/`)) {
      const stored = await world.store.get(key);
      if (stored && !tokens.some((token) => token.id === stored.id))
        problems.push(`${key}: stored secret of a dead token`);
    }
  }
  return problems;
}
