// The plan: a pure function of a tenant's spec, what was observed of it, and the time. No I/O here, so
// every decision (mint, renew, revoke, prune) is testable without a server.
import { enums } from "../rules.js";
import { HALVES, mergeDucklingConfig } from "../resources/duckling-config.js";
import type { CreateTokenBody, DucklingConfig, TokenInfo } from "../types.js";
import type { Change, StoredSecret, TenantPlan, TenantSpec, TokenSpec } from "./types.js";

/** What was observed of one tenant before planning. */
export interface Observation {
  /** Whether the username is free, a service account, or a person's. */
  account: "absent" | "service-account" | "person";
  /** Its tokens as `tokens.list` shows them (none for an absent account). */
  tokens: readonly TokenInfo[];
  /** Its Duckling config, when it was read (an existing account whose spec gives Ducklings). */
  ducklings?: DucklingConfig;
  /** The stored secrets of this tenant, by token name. */
  stored: Readonly<Record<string, StoredSecret>>;
}

/** A change with what carrying it out needs: the body to mint, the ids to revoke, the config to write. */
export interface Step extends Change {
  mint?: CreateTokenBody;
  /** Token ids to revoke once the new secret is stored (or at once, for a revoke). */
  revokeIds?: string[];
  /** For a pruned name: its stored secret is deleted after the revokes. */
  forgetSecret?: boolean;
  /** The whole config to write, when the current one was read; otherwise the change to merge into it. */
  config?: DucklingConfig;
  ducklings?: NonNullable<TenantSpec["ducklings"]>;
}

/** A tenant's plan with its steps. */
export interface PlannedTenant {
  serviceAccount: string;
  steps: Step[];
  error?: string;
}

const SECOND = 1000;
const HOUR = 3600;
const DAY = 24 * HOUR;
/** Server timestamps are whole or fractional seconds: a lifetime within this of the ttl is the ttl. */
const LIFETIME_SLACK_MS = 1000;

function parseTime(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null || text === "") return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** A live token is one whose `expire_at` is absent or still ahead. */
export function isLive(token: TokenInfo, nowMs: number): boolean {
  const expires = parseTime(token.expire_at);
  return expires === undefined || expires > nowMs;
}

function seconds(ms: number): string {
  const s = Math.round(ms / SECOND);
  return s >= DAY ? `${Math.round(s / DAY)}d` : s >= HOUR ? `${Math.round(s / HOUR)}h` : `${s}s`;
}

/** Why the live token `held` must be replaced to meet `spec`, or undefined when it meets it. */
export function renewalReason(held: TokenInfo, spec: TokenSpec, nowMs: number): string | undefined {
  const wantedType = spec.token_type ?? enums.token_type.read_write;
  if (held.token_type !== wantedType) return `type differs (${held.token_type}, wanted ${wantedType})`;
  const created = parseTime(held.created_ts);
  const expires = parseTime(held.expire_at);
  if (spec.ttl !== undefined) {
    if (expires === undefined) return `never expires, but the spec gives a ttl of ${spec.ttl}s`;
    if (created !== undefined && expires - created > spec.ttl * SECOND + LIFETIME_SLACK_MS) {
      return `lives ${seconds(expires - created)}, longer than the ttl of ${spec.ttl}s`;
    }
  } else if (expires !== undefined) {
    return "expires, but the spec gives no ttl (never expires)";
  }
  if (expires !== undefined) {
    const lifetime = created === undefined ? 0 : expires - created;
    const renewBeforeMs = spec.renewBefore !== undefined ? spec.renewBefore * SECOND : lifetime / 3;
    if (expires - nowMs < renewBeforeMs)
      return `expires in ${seconds(expires - nowMs)}, renewed ${seconds(renewBeforeMs)} ahead`;
  }
  if (spec.description !== undefined && (held.description ?? undefined) !== spec.description)
    return "description differs";
  return undefined;
}

function mintBody(name: string, spec: TokenSpec): CreateTokenBody {
  return {
    name,
    token_type: spec.token_type ?? enums.token_type.read_write,
    ...(spec.ttl !== undefined && { ttl: spec.ttl }),
    ...(spec.description !== undefined && { description: spec.description }),
  };
}

/**
 * A region that does not store descriptions answers a create without one; the secret kept then says which
 * description was asked for, so the next run fails the tenant instead of minting again.
 */
function descriptionDropped(held: TokenInfo, spec: TokenSpec, stored: StoredSecret): boolean {
  return spec.description !== undefined && !held.description && stored.description === spec.description;
}

type TokenPlan = { steps: Step[]; error?: string };

/** The steps for one declared token name. */
function planToken(serviceAccount: string, name: string, spec: TokenSpec, seen: Observation, nowMs: number): TokenPlan {
  const live = seen.tokens.filter((token) => token.name === name && isLive(token, nowMs));
  // Own names only: an observation built as a plain object would otherwise answer "toString" with a function.
  const stored = Object.hasOwn(seen.stored, name) ? seen.stored[name] : undefined;
  const held = stored && live.find((token) => token.id === stored.id);
  const others = live.filter((token) => token !== held).map((token) => token.id);
  const base = { serviceAccount, token: name };
  if (!held) {
    const reason = stored
      ? "its stored secret belongs to a token that is no longer live"
      : live.length
        ? "no secret is stored for its live token"
        : "absent";
    const kind = stored || live.length ? "replace-token" : "mint-token";
    return { steps: [{ ...base, kind, reason, mint: mintBody(name, spec), revokeIds: others }] };
  }
  if (descriptionDropped(held, spec, stored)) {
    return {
      steps: [],
      error:
        `token "${name}" was minted with a description the API did not keep (a region that does not store ` +
        `descriptions yet); drop tokens.${name}.description or apply where descriptions are stored`,
    };
  }
  const renewal = renewalReason(held, spec, nowMs);
  if (renewal) {
    return {
      steps: [
        {
          ...base,
          kind: "replace-token",
          reason: renewal,
          mint: mintBody(name, spec),
          revokeIds: [held.id, ...others],
        },
      ],
    };
  }
  return {
    steps: others.map((id) => ({
      ...base,
      kind: "revoke-token" as const,
      reason: `a second live token of this name (${id}) whose secret is not stored`,
      revokeIds: [id],
    })),
  };
}

/** Steps that prune a name the store holds but the spec no longer lists: revoke its live tokens, forget it. */
function planPrune(serviceAccount: string, name: string, seen: Observation, nowMs: number): Step {
  const live = seen.tokens.filter((token) => token.name === name && isLive(token, nowMs)).map((token) => token.id);
  return {
    serviceAccount,
    token: name,
    kind: "revoke-token",
    reason: live.length ? "dropped from the spec" : "dropped from the spec; its stored secret is forgotten",
    revokeIds: live,
    forgetSecret: true,
  };
}

/** Whether `current` already has every field the spec gives (a cooldown the spec leaves out is not compared). */
export function ducklingsMatch(current: DucklingConfig, wanted: NonNullable<TenantSpec["ducklings"]>): boolean {
  return HALVES.every((half) => {
    const fields = wanted[half];
    if (!fields) return true;
    const have = current[half] as Record<string, unknown> | undefined;
    return Object.entries(fields).every(([field, value]) => value === undefined || have?.[field] === value);
  });
}

function planDucklings(spec: TenantSpec, seen: Observation): Step[] {
  const wanted = spec.ducklings;
  if (!wanted) return [];
  const base = { serviceAccount: spec.serviceAccount, kind: "set-ducklings" as const };
  if (seen.account === "absent" || !seen.ducklings) {
    // A spec that states both halves is the whole config; otherwise the halves it gives are merged into the
    // API's default once the account exists.
    const whole = HALVES.every((half) => wanted[half]?.instance_size !== undefined);
    const write = whole ? { config: mergeDucklingConfig({} as DucklingConfig, wanted) } : { ducklings: wanted };
    return [{ ...base, reason: "new account", ...write }];
  }
  if (ducklingsMatch(seen.ducklings, wanted)) return [];
  return [{ ...base, reason: "differs from the spec", config: mergeDucklingConfig(seen.ducklings, wanted) }];
}

/** The plan of one tenant: pure, from its spec, what was observed of it, and the time (ms since the epoch). */
export function planTenant(spec: TenantSpec, seen: Observation, nowMs: number): PlannedTenant {
  const { serviceAccount } = spec;
  if (seen.account === "person") {
    return {
      serviceAccount,
      steps: [],
      error: `"${serviceAccount}" is a person's username, not a service account: nothing is changed or minted for it`,
    };
  }
  const steps: Step[] = [];
  if (seen.account === "absent") steps.push({ serviceAccount, kind: "create-service-account", reason: "absent" });
  steps.push(...planDucklings(spec, seen));
  const declared = spec.tokens ?? {};
  const errors: string[] = [];
  for (const [name, tokenSpec] of Object.entries(declared)) {
    const planned = planToken(serviceAccount, name, tokenSpec, seen, nowMs);
    steps.push(...planned.steps);
    if (planned.error) errors.push(planned.error);
  }
  if (errors.length) return { serviceAccount, steps: [], error: errors.join("; ") };
  for (const name of Object.keys(seen.stored).sort()) {
    if (!Object.hasOwn(declared, name)) steps.push(planPrune(serviceAccount, name, seen, nowMs));
  }
  return { serviceAccount, steps };
}

/** The public form of a change: what it is and why, without what carrying it out needs. */
export function publicChange({ kind, serviceAccount, token, reason }: Step): Change {
  return { kind, serviceAccount, ...(token !== undefined && { token }), reason };
}

/** The public form of a tenant's plan. */
export function publicPlan(planned: PlannedTenant): TenantPlan {
  return {
    serviceAccount: planned.serviceAccount,
    changes: planned.steps.map(publicChange),
    ...(planned.error !== undefined && { error: planned.error }),
  };
}
