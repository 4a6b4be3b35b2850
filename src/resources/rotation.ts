// The pure decisions of a rotation: what the new token's body is, derived from the old token.
import { operations } from "../rules.js";
import type { CreateTokenBody, RotateTokenBody, TokenInfo } from "../types.js";

const { name: nameRule, ttl: ttlRule } = operations["users-createToken"].body.properties;
const ROTATED_SUFFIX = / \(rotated [^)]*\)$/;

function truncateToCodePoints(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : points.slice(0, max).join("");
}

/** "nightly-etl" becomes "nightly-etl (rotated 2026-11-27T10:00:00Z)"; an earlier suffix is replaced, not stacked. */
export function rotatedName(old: TokenInfo, now: Date): string {
  const suffix = ` (rotated ${now.toISOString().replace(/\.\d{3}Z$/, "Z")})`;
  const base = (old.name ?? `token ${old.id.slice(0, 8)}`).replace(ROTATED_SUFFIX, "");
  return truncateToCodePoints(base, nameRule.maxLength - Array.from(suffix).length) + suffix;
}

/**
 * The old token's lifetime in whole seconds, kept within the spec's bounds; undefined when it never
 * expires; NaN when its timestamps cannot be read.
 */
export function inheritedTtl(old: TokenInfo): number | undefined {
  if (old.expire_at === undefined) return undefined;
  const seconds = Math.round((Date.parse(old.expire_at) - Date.parse(old.created_ts)) / 1000);
  if (Number.isNaN(seconds)) return NaN;
  return Math.min(Math.max(seconds, ttlRule.minimum), ttlRule.maximum);
}

/** The body of the new token: each field given wins; the others come from the old token. */
export function rotationBody(old: TokenInfo, overrides: RotateTokenBody, now: Date): CreateTokenBody {
  const ttl = overrides.ttl ?? inheritedTtl(old);
  return {
    name: overrides.name ?? rotatedName(old, now),
    ...(ttl !== undefined && { ttl }),
    token_type: overrides.token_type ?? old.token_type,
  };
}
