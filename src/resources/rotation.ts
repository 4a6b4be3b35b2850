// The pure decisions of a rotation: what the new token's body is, derived from the old token.
import { operations } from "../rules.js";
import type { CreateTokenBody, RotateTokenBody, TokenInfo } from "../types.js";

const { name: nameRule, ttl: ttlRule } = operations["users-createToken"].body.properties;

/**
 * "nightly-etl" becomes "nightly-etl (rotated 2026-11-27T10:00:00Z)"; an earlier suffix is replaced, not
 * stacked. The base is cut in code points so that the name stays within the spec's length; the suffix is ASCII.
 */
export function rotatedName(old: TokenInfo, now: Date): string {
  const suffix = ` (rotated ${now.toISOString().slice(0, 19)}Z)`;
  const base = (old.name ?? `token ${old.id.slice(0, 8)}`).replace(/ \(rotated [^)]*\)$/, "");
  return (
    Array.from(base)
      .slice(0, nameRule.maxLength - suffix.length)
      .join("") + suffix
  );
}

/**
 * The old token's lifetime in whole seconds, kept within the spec's bounds; undefined when it never
 * expires; NaN (which the check of the new body refuses) when its timestamps cannot be read.
 */
export const inheritedTtl = (old: TokenInfo): number | undefined =>
  old.expire_at === undefined
    ? undefined
    : Math.min(
        Math.max(Math.round((Date.parse(old.expire_at) - Date.parse(old.created_ts)) / 1000), ttlRule.minimum),
        ttlRule.maximum,
      );

/** The body of the new token: each field given wins; the others come from the old token. */
export function rotationBody(old: TokenInfo, overrides: RotateTokenBody, now: Date): CreateTokenBody {
  const ttl = overrides.ttl ?? inheritedTtl(old);
  // A listed token without a description has none, null or "": the new one then has none either.
  const description = overrides.description ?? (old.description || undefined);
  return {
    name: overrides.name ?? rotatedName(old, now),
    ...(ttl !== undefined && { ttl }),
    token_type: overrides.token_type ?? old.token_type,
    ...(description !== undefined && { description }),
  };
}
