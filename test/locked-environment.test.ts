// A runtime where reaching `process.env` itself throws (a locked-down sandbox, a hostile host): the client reads
// the environment only for the options left out, and a read that throws counts as empty.
import { describe, expect, it } from "vitest";
import { ValidationError, createMotherDuckClient } from "../src/index.js";

const TOKEN = "md-test-token-locked-environment-0123";

/** Runs `body` with `process.env` replaced by a getter that throws and counts its reads, then restores it. */
function withLockedEnv<T>(body: () => T): { result: T | undefined; error: unknown; reads: number } {
  const original = Object.getOwnPropertyDescriptor(process, "env")!;
  let reads = 0;
  Object.defineProperty(process, "env", {
    configurable: true,
    get() {
      reads++;
      throw new Error("environment is locked");
    },
  });
  try {
    return { result: body(), error: undefined, reads };
  } catch (error) {
    return { result: undefined, error, reads };
  } finally {
    Object.defineProperty(process, "env", original);
  }
}

describe("an environment that throws when reached", () => {
  it("is never touched by a client given every option it would read from it", () => {
    const outcome = withLockedEnv(() =>
      createMotherDuckClient({ token: TOKEN, baseUrl: "http://127.0.0.1:9", logger: {} }),
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toBeDefined();
    expect(outcome.reads).toBe(0);
  });

  it("counts as empty for options left out: the default base URL and log level are used", () => {
    const outcome = withLockedEnv(() => createMotherDuckClient({ token: TOKEN }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.reads).toBeGreaterThan(0);
  });

  it("with no token given, says the variable could not be read, not that a getter in the options threw", () => {
    const { error } = withLockedEnv(() => createMotherDuckClient({ baseUrl: "http://127.0.0.1:9", logger: {} }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain("MOTHERDUCK_TOKEN");
    expect((error as Error).message).toContain("could not be read");
    expect((error as Error).message).not.toContain("getter or proxy");
  });
});
