// Durations for --ttl: "90s", "15m", "1h", "30d", or plain seconds, checked against the spec's bounds.
import { operations } from "../rules.js";

const ttlRule = operations["users-createToken"].body.properties.ttl;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds as the largest whole unit: 600 → "10m", 7200 → "2h", 90 → "90s". */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of Object.entries(UNIT_SECONDS).reverse()) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export const TTL_RANGE = `${formatDuration(ttlRule.minimum)} to ${formatDuration(ttlRule.maximum)}`;

/** The number of seconds a duration names, or a message saying what is wrong with it. */
export function parseDuration(text: string): { seconds: number } | { error: string } {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return { error: `"${text}" is not a duration: use a whole number with s, m, h or d (90s, 15m, 1h, 30d)` };
  const seconds = Number(match[1]) * UNIT_SECONDS[(match[2] || "s") as keyof typeof UNIT_SECONDS];
  if (seconds < ttlRule.minimum || seconds > ttlRule.maximum) {
    return { error: `${text} is outside the allowed range, ${TTL_RANGE}` };
  }
  return { seconds };
}
