// Duckling configuration in the CLI's words: the flags of `ducklings set` as a change for the library, the
// library's refusals as flags, and a configuration as a table.
import { ValidationError } from "../errors.js";
import { HALVES } from "../resources/duckling-config.js";
import type { DucklingChange, DucklingHalf } from "../resources/duckling-config.js";
import { enums, operations } from "../rules.js";
import type { DucklingConfig, DucklingSize } from "../types.js";
import type { FlagValues } from "./args.js";
import { UsageError } from "./args.js";
import { formatDuration, parseDuration } from "./duration.js";
import { line } from "../printable.js";
import { table } from "./table.js";

const halfRules = operations["ducklings-setDucklingConfigForUser"].body.properties.config.properties;
const flockRule = halfRules.read_scaling.properties.flock_size;
/** Whether a half has a flock (only the read-scaling one does). */
const hasFlock = (half: DucklingHalf) => "flock_size" in halfRules[half].properties;
const SIZES = Object.values(enums.instance_size);
const PULSE = enums.instance_size.pulse;

/** The flags that set each half's fields. */
export const HALF_FLAGS: Record<DucklingHalf, { size: string; cooldown: string }> = {
  read_write: { size: "size", cooldown: "cooldown" },
  read_scaling: { size: "read-scaling-size", cooldown: "read-scaling-cooldown" },
};
export const FLOCK_FLAG = "flock-size";

/** Every flag of `ducklings set` that changes the configuration. */
export const CHANGE_FLAGS = [...HALVES.flatMap((half) => Object.values(HALF_FLAGS[half])), FLOCK_FLAG];

/** The library's names for the fields, as the flags that set them: for its issues. */
export const DUCKLING_ISSUE_PATHS: Record<string, string> = Object.fromEntries(
  HALVES.flatMap((half) =>
    ["change", "config"].flatMap((root) => [
      [`${root}.${half}.instance_size`, `--${HALF_FLAGS[half].size}`],
      [`${root}.${half}.cooldown_seconds`, `--${HALF_FLAGS[half].cooldown}`],
      ...(hasFlock(half) ? [[`${root}.${half}.flock_size`, `--${FLOCK_FLAG}`]] : []),
    ]),
  ),
);

function size(flag: string, value: string): DucklingSize {
  if (!SIZES.includes(value as DucklingSize)) {
    throw new UsageError(line`--${flag} must be one of ${SIZES.join(", ")}, not "${value}"`);
  }
  return value as DucklingSize;
}

function cooldownSeconds(half: DucklingHalf, flag: string, value: string): number {
  const parsed = parseDuration(value, halfRules[half].properties.cooldown_seconds);
  if ("error" in parsed) throw new UsageError(line`--${flag}: ${parsed.error}`);
  return parsed.seconds;
}

function flockSize(value: string): number {
  const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= flockRule.minimum && number <= flockRule.maximum)) {
    throw new UsageError(
      line`--${FLOCK_FLAG} must be a number from ${flockRule.minimum} to ${flockRule.maximum}, not "${value}"`,
    );
  }
  return number;
}

/** The change the flags of `ducklings set` ask for; a UsageError naming the flag for a bad value or none at all. */
export function ducklingChange(values: FlagValues): DucklingChange {
  if (CHANGE_FLAGS.every((flag) => values[flag] === undefined)) {
    throw new UsageError(`ducklings set needs at least one of ${CHANGE_FLAGS.map((flag) => `--${flag}`).join(", ")}`);
  }
  const change: Record<string, Record<string, unknown>> = {};
  for (const half of HALVES) {
    const flags = HALF_FLAGS[half];
    const fields: Record<string, unknown> = {};
    if (typeof values[flags.size] === "string") fields.instance_size = size(flags.size, values[flags.size] as string);
    if (typeof values[flags.cooldown] === "string") {
      fields.cooldown_seconds = cooldownSeconds(half, flags.cooldown, values[flags.cooldown] as string);
    }
    if (hasFlock(half) && typeof values[FLOCK_FLAG] === "string") {
      fields.flock_size = flockSize(values[FLOCK_FLAG] as string);
    }
    if (Object.keys(fields).length) change[half] = fields;
  }
  return change as DucklingChange;
}

/**
 * The library refuses a cooldown on a Pulse Duckling; said in flags. The cooldown a flag gives is within the
 * spec's bounds already, so an issue at a cooldown the change gives is that rule: either the change itself asks
 * for Pulse (`change.…`), or the Duckling already is Pulse and the merged configuration was refused before the
 * write (`config.…`) with the cooldown a flag gave. A cooldown the server reported on a Pulse half is not
 * the user's: the merge drops it, and no flag is blamed for it.
 */
export function pulseCooldownInFlags(error: unknown, change: DucklingChange, username: string): unknown {
  if (!(error instanceof ValidationError)) return error;
  const paths = error.issues.map((issue) => issue.path);
  for (const half of HALVES) {
    const { size, cooldown } = HALF_FLAGS[half];
    if (paths.includes(`change.${half}.cooldown_seconds`) && change[half]?.instance_size === PULSE) {
      return new UsageError(`--${cooldown} cannot be set with --${size} ${PULSE}: a Pulse Duckling takes no cooldown`);
    }
    if (paths.includes(`config.${half}.cooldown_seconds`) && change[half]?.cooldown_seconds !== undefined) {
      return new UsageError(
        line`--${cooldown} cannot be set: the ${half} Duckling of ${username} is ${PULSE}, which takes no cooldown; ` +
          `give --${size} with another size as well. Nothing was changed.`,
      );
    }
  }
  return error;
}

function cooldownCell(half: DucklingConfig[DucklingHalf]): string {
  if (half.instance_size === PULSE) return "none";
  return half.cooldown_seconds === undefined ? "default" : formatDuration(half.cooldown_seconds);
}

/** HALF, SIZE, COOLDOWN (a duration, "default" for the size's own, "none" for Pulse), FLOCK. */
export function ducklingTable(config: DucklingConfig): string {
  return table(
    ["HALF", "SIZE", "COOLDOWN", "FLOCK"],
    HALVES.map((half) => {
      const value = config[half];
      return [half, value.instance_size, cooldownCell(value), "flock_size" in value ? value.flock_size : ""];
    }),
  );
}
