// Injected faults, so that users can test their own retry code against the emulator: a share of requests
// answered 429 or 503, or held back for a while. Whether a request is faulted is a pure function of a
// few random draws; the draws come from a seedable generator, so a test sees the same faults every run.
import type { Reply } from "./replies.js";
// setTimeout fires at once for delays past this, for a delay as for a timeout.
import { MAX_TIMEOUT_MS } from "../options.js";

/**
 * Faults to inject, each on a share of requests drawn at random. A faulted request is answered before
 * authentication and before the emulator looks at it, as a rate limiter or an overloaded gateway in front
 * of the API would, so it has no effect on the emulator's state.
 */
export interface FaultOptions {
  /** Share of requests, 0 to 1, answered `429 Too Many Requests` with a `Retry-After` header. Default 0. */
  rate429?: number;
  /** The `Retry-After` of those 429s, in whole seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Share of requests, 0 to 1, answered `503 Service Unavailable`. Default 0. With `rate429`, at most 1. */
  rate503?: number;
  /** How long a delayed request is held before it is handled: milliseconds, or a `[min, max]` range drawn from. */
  delayMs?: number | readonly [min: number, max: number];
  /** Share of requests, 0 to 1, held back by `delayMs`. Default 1 when `delayMs` is given. */
  delayRate?: number;
  /** Seed of the random draws, so that a test meets the same faults on every run. Default: a random seed. */
  seed?: number;
}

/** The options checked and filled in. */
export interface FaultPlan {
  rate429: number;
  retryAfterSeconds: number;
  rate503: number;
  delayRange: readonly [number, number];
  delayRate: number;
}

/** What happens to one request: held back for `delayMs`, then answered with `status` or served as usual. */
export interface Fault {
  delayMs: number;
  status: 429 | 503 | undefined;
  /** The `Retry-After` a 429 carries. */
  retryAfterSeconds: number;
}

/** Three uniform draws in [0, 1): which status, whether to delay, and how long. */
export type Draws = readonly [status: number, delayed: number, length: number];

const KNOWN = new Set<string>(["rate429", "retryAfterSeconds", "rate503", "delayMs", "delayRate", "seed"]);

function refuse(name: string, wanted: string, value: unknown): never {
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  throw new RangeError(`startEmulator: faults${name ? `.${name}` : ""} must be ${wanted}, got ${shown}`);
}

function share(options: FaultOptions, name: "rate429" | "rate503" | "delayRate", fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) refuse(name, "a number from 0 to 1", value);
  return value;
}

function delayBound(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    refuse(name, `a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`, value);
  }
  return value;
}

function delayRange(value: FaultOptions["delayMs"]): readonly [number, number] {
  if (value === undefined) return [0, 0];
  if (!Array.isArray(value)) {
    const ms = delayBound(value, "delayMs");
    return [ms, ms];
  }
  if (value.length !== 2) refuse("delayMs", "a number or a [min, max] pair", `an array of ${value.length}`);
  const [min, max] = [delayBound(value[0], "delayMs[0]"), delayBound(value[1], "delayMs[1]")];
  if (min > max) refuse("delayMs", "a [min, max] pair with min ≤ max", `[${min}, ${max}]`);
  return [min, max];
}

/** Checks `faults` and fills in the defaults; throws a RangeError that names the first bad option. */
export function planFaults(options: FaultOptions): FaultPlan {
  if (typeof options !== "object" || options === null) refuse("", "an object", options);
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) refuse(name, `one of ${[...KNOWN].join(", ")}`, "an unknown option");
  }
  const rate429 = share(options, "rate429", 0);
  const rate503 = share(options, "rate503", 0);
  if (rate429 + rate503 > 1) refuse("rate429 + faults.rate503", "at most 1", rate429 + rate503);
  const retryAfterSeconds = options.retryAfterSeconds ?? 1;
  if (!Number.isSafeInteger(retryAfterSeconds) || retryAfterSeconds < 0) {
    refuse("retryAfterSeconds", "a whole number of seconds ≥ 0", retryAfterSeconds);
  }
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) {
    refuse("seed", "an integer", options.seed);
  }
  const range = delayRange(options.delayMs);
  return { rate429, rate503, retryAfterSeconds, delayRange: range, delayRate: share(options, "delayRate", 1) };
}

/** The fault for one request, from three uniform draws. Pure: the same plan and draws give the same fault. */
export function decideFault(plan: FaultPlan, [status, delayed, length]: Draws): Fault {
  const [min, max] = plan.delayRange;
  return {
    delayMs: max > 0 && delayed < plan.delayRate ? Math.round(min + (max - min) * length) : 0,
    status: status < plan.rate429 ? 429 : status < plan.rate429 + plan.rate503 ? 503 : undefined,
    retryAfterSeconds: plan.retryAfterSeconds,
  };
}

/** mulberry32: a small, fast generator of uniform numbers in [0, 1), good enough to pick faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The fault of each request in turn, or undefined when no faults were asked for. */
export function createFaults(options: FaultOptions | undefined): (() => Fault) | undefined {
  if (options === undefined) return undefined;
  const plan = planFaults(options);
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  return () => decideFault(plan, [random(), random(), random()]);
}

/** The answer to a faulted request, in the shape of the spec's error bodies. */
export function faultReply({ status, retryAfterSeconds }: Fault & { status: 429 | 503 }): Reply & {
  headers: Record<string, string>;
} {
  const [code, message] =
    status === 429
      ? ["TOO_MANY_REQUESTS", "Too Many Requests (a fault injected by the emulator)"]
      : ["SERVICE_UNAVAILABLE", "Service Unavailable (a fault injected by the emulator)"];
  return {
    status,
    headers: status === 429 ? { "retry-after": String(retryAfterSeconds) } : {},
    body: { code, message, issues: [] },
  };
}
