// The onExchange test hook, called so that nothing it throws or rejects with can reach the server.
import { createRedactor } from "../redact.js";
import type { Exchange } from "./server.js";

const UNPRINTABLE = "a value that cannot be printed";

/**
 * A description of whatever a hook failed with, that never throws: an `instanceof` can meet a Proxy's
 * `getPrototypeOf` trap, and `name`, `message` or `String()` can each meet a getter or a `toString` that
 * throws, or an object with no prototype at all.
 */
export function describeFailure(error: unknown): string {
  try {
    const text: unknown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return typeof text === "string" ? text : UNPRINTABLE;
  } catch {
    return UNPRINTABLE;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

/**
 * Calls the test hook so that its failure, thrown or rejected, never reaches the server: a hook that fails
 * is reported on stderr the first time only, since it would otherwise fail the same way on every request.
 */
export function guardHook(hook: ((exchange: Exchange) => void) | undefined): (exchange: Exchange) => void {
  if (!hook) return () => {};
  let reported = false;
  // The exchange carries minted tokens and embed sessions, and a failed assertion may quote it.
  const redact = createRedactor([]);
  const report = (error: unknown) => {
    if (reported) return;
    reported = true;
    process.stderr.write(
      `motherduck-rest emulator: the onExchange hook failed (${redact(describeFailure(error))}); the emulator ` +
        "goes on serving and reports no further failures of the hook\n",
    );
  };
  return (exchange) => {
    // An embed session is opaque, not JWT-shaped: the redactor learns it by value before the hook can quote it.
    const session = (exchange.responseBody as { session?: unknown } | undefined)?.session;
    if (typeof session === "string") redact.remember(session);
    try {
      // Typed as returning nothing, but an async hook returns a promise that may reject.
      const result = hook(exchange) as unknown;
      if (isThenable(result)) result.then(undefined, report);
    } catch (error) {
      report(error);
    }
  };
}
