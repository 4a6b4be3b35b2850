// Durations for --ttl and the cooldown flags: "90s", "15m", "1h", "30d", or plain seconds, each checked against
// the bounds the spec gives that field.
import { operations } from "../rules.js";

/** The bounds of a duration in seconds, as the spec states them for a field. */
export interface DurationBounds {
  readonly minimum: number;
  readonly maximum: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** A token's `ttl`. */
export const TTL_BOUNDS: DurationBounds = operations["users-createToken"].body.properties.ttl;
/** Seconds as the largest whole unit: 600 → "10m", 7200 → "2h", 90 → "90s". */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of Object.entries(UNIT_SECONDS).reverse()) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** "5m to 365d": the bounds in words, for help pages and messages. */
export function rangeOf(bounds: DurationBounds): string {
  return `${formatDuration(bounds.minimum)} to ${formatDuration(bounds.maximum)}`;
}

export const TTL_RANGE = rangeOf(TTL_BOUNDS);

/** The number of seconds a duration names, or a message saying what is wrong with it. */
export function parseDuration(
  text: string,
  bounds: DurationBounds = TTL_BOUNDS,
): { seconds: number } | { error: string } {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return { error: `"${text}" is not a duration: use a whole number with s, m, h or d (90s, 15m, 1h, 30d)` };
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] || "s") as keyof typeof UNIT_SECONDS];
  if (seconds < bounds.minimum || seconds > bounds.maximum) {
    return { error: `${text} is outside the allowed range, ${rangeOf(bounds)}` };
  }
  return { seconds };
}
