import { afterAll, beforeAll } from "vitest";

/** Starts something before the enclosing tests and stops it after them; the getter throws outside them. */
export function useStarted<T>(start: () => Promise<T>, stop: (started: T) => Promise<void>): () => T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    if (current) await stop(current);
  });
  return () => {
    if (current === undefined) throw new Error("used outside a test");
    return current;
  };
}
