// The emulator's Duckling behaviour: the config a new user starts with, the cooldown each size takes when
// none is set, and how a PUT body becomes the stored config. These are MotherDuck's documented behaviour
// (its Duckling-sizes page), not rules of the spec, so they live here and not in openapi.yaml.
import { enums } from "../rules.js";
import type { DucklingConfig, DucklingSize, SetDucklingConfigBody } from "../types.js";
import type { Issue } from "../validation/schema.js";

const MINUTE = 60;
const { pulse, standard, jumbo, mega, giga } = enums.instance_size;

/**
 * The cooldown, in seconds, that a Duckling of each size takes when its config sets none. Pulse takes no
 * cooldown at all (undefined), and MotherDuck refuses one for it.
 */
export const DEFAULT_COOLDOWN_SECONDS: Readonly<Record<DucklingSize, number | undefined>> = {
  [pulse]: undefined,
  [standard]: 1 * MINUTE,
  [jumbo]: 1 * MINUTE,
  [mega]: 5 * MINUTE,
  [giga]: 10 * MINUTE,
};

/**
 * The config every user starts with on the emulator, seeded users and new service accounts alike: a
 * standard read/write Duckling with its default cooldown, and a read-scaling pool of at most one pulse
 * Duckling (read scaling works out of the box, and pulse is the smallest size that supports it).
 */
export function defaultDucklingConfig(): DucklingConfig {
  return withDefaultCooldowns({
    read_write: { instance_size: standard },
    read_scaling: { instance_size: pulse, flock_size: 1 },
  });
}

type Half = { instance_size: DucklingSize; cooldown_seconds?: number };

/** A half as stored: its own cooldown, or its size's default, or none for a size that takes none. */
function withDefaultCooldown<T extends Half>(half: T): T {
  const { cooldown_seconds, ...rest } = half;
  const cooldown = cooldown_seconds ?? DEFAULT_COOLDOWN_SECONDS[half.instance_size];
  return { ...rest, ...(cooldown !== undefined && { cooldown_seconds: cooldown }) } as T;
}

function withDefaultCooldowns(config: DucklingConfig): DucklingConfig {
  return { read_write: withDefaultCooldown(config.read_write), read_scaling: withDefaultCooldown(config.read_scaling) };
}

/** Issues MotherDuck raises on a config the schema allows: a cooldown on a size that takes none. */
function cooldownIssues(config: DucklingConfig): Issue[] {
  return (Object.keys(config) as (keyof DucklingConfig)[])
    .filter((half) => {
      const { instance_size, cooldown_seconds } = config[half];
      return cooldown_seconds !== undefined && DEFAULT_COOLDOWN_SECONDS[instance_size] === undefined;
    })
    .map((half) => ({
      path: `body.config.${half}.cooldown_seconds`,
      message: `cannot be set for ${config[half].instance_size} Ducklings, which take no cooldown`,
    }));
}

/**
 * The config a PUT stores, or why it is refused. A PUT is a full replacement: each half keeps only the
 * fields it sent (unknown ones dropped), and a cooldown left out takes the size's default.
 */
export function replacementConfig(body: SetDucklingConfigBody): { config: DucklingConfig } | { issues: Issue[] } {
  const { read_write, read_scaling } = body.config;
  const sent: DucklingConfig = {
    read_write: {
      instance_size: read_write.instance_size,
      ...(read_write.cooldown_seconds !== undefined && { cooldown_seconds: read_write.cooldown_seconds }),
    },
    read_scaling: {
      instance_size: read_scaling.instance_size,
      flock_size: read_scaling.flock_size,
      ...(read_scaling.cooldown_seconds !== undefined && { cooldown_seconds: read_scaling.cooldown_seconds }),
    },
  };
  const issues = cooldownIssues(sent);
  return issues.length ? { issues } : { config: withDefaultCooldowns(sent) };
}
