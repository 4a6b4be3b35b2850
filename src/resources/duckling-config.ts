// The pure decisions about a Duckling configuration: the Pulse rule, and how a change merges into the
// configuration the server has.
import { enums, operations } from "../rules.js";
import type { Issue } from "../validation/schema.js";
import type { DucklingConfig } from "../types.js";

/** The two halves of a configuration, by their spec names. */
export type DucklingHalf = keyof DucklingConfig;
/** A change to a configuration: either half, each field optional. */
export type DucklingChange = { [H in DucklingHalf]?: Partial<DucklingConfig[H]> };

const configRule = operations["ducklings-setDucklingConfigForUser"].body.properties.config;
export const HALVES = Object.keys(configRule.properties) as DucklingHalf[];
const declaredFields = Object.fromEntries(
  HALVES.map((half) => [half, Object.keys(configRule.properties[half].properties)]),
) as Record<DucklingHalf, string[]>;
const COOLDOWN = "cooldown_seconds";

/** The schema of a change: the config's halves, with nothing required. */
export const changeRule = {
  type: "object",
  properties: Object.fromEntries(HALVES.map((half) => [half, { ...configRule.properties[half], required: [] }])),
} as const;

/** MotherDuck refuses a cooldown on a Pulse Duckling, which has none; the spec cannot say so. */
export function pulseCooldownIssues(config: unknown, path: string): Issue[] {
  if (typeof config !== "object" || config === null) return [];
  const issues: Issue[] = [];
  for (const half of HALVES) {
    const value = (config as Record<string, unknown>)[half] as Record<string, unknown> | undefined;
    if (value?.instance_size === enums.instance_size.pulse && value[COOLDOWN] !== undefined) {
      issues.push({
        path: `${path}.${half}.${COOLDOWN}`,
        message: `must not be set with ${enums.instance_size.pulse}: Pulse Ducklings take no cooldown`,
      });
    }
  }
  return issues;
}

function declaredOnly(half: DucklingHalf, value: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).filter(([key, item]) => declaredFields[half].includes(key) && item !== undefined),
  );
}

/**
 * The configuration to write back: each half of `current` with the change's fields over it. Fields the spec
 * does not declare for a PUT are dropped, and so is a field the change sets to undefined (the size's default
 * then applies). A half that is Pulse after the merge loses its cooldown unless the change gives one, whether it
 * switches to Pulse or the server reported a cooldown on a Pulse half.
 */
export function mergeDucklingConfig(current: DucklingConfig, change: DucklingChange): DucklingConfig {
  const merged: Record<string, unknown> = {};
  for (const half of HALVES) {
    const delta = change[half];
    const next = declaredOnly(half, { ...current[half], ...delta });
    // A Pulse half keeps a cooldown only when the change gives one (which is then refused): a cooldown the
    // server reported on it is not the caller's doing, and would fail a change that never touched it.
    if (next.instance_size === enums.instance_size.pulse && !(delta && COOLDOWN in delta)) delete next[COOLDOWN];
    merged[half] = next;
  }
  return merged as DucklingConfig;
}
