// The one boundary every resource call's failure crosses on its way to the caller: whatever built the error
// (a guard, the error mapper, a rotation), its text passes the client's redactor here.
import { HINT_SEPARATOR, MotherDuckError } from "../errors.js";
import { terminalSafe, terminalSafeLines } from "../printable.js";
import { redactDeep, scrubbedCause } from "../redact.js";
import type { Redactor } from "../redact.js";

/**
 * Redacts, in place, every text an error carries: message, stack, fields and cause. The message's control
 * characters are escaped too, since it is what gets printed, and so are the stack's, but for its line breaks.
 */
export function scrubError<E extends Error>(error: E, redact: Redactor): E {
  const target = error as unknown as Record<string, unknown>;
  const original = error.message;
  error.message = printableMessage(redact(original), target.hint);
  if (typeof error.stack === "string") {
    // The stack repeats the message: put the printable one in its place, then scrub the frames.
    error.stack = terminalSafeLines(redact(error.stack.replace(original, () => error.message)));
  }
  for (const key of Object.keys(error)) {
    const value = target[key];
    if (typeof value === "string" || (typeof value === "object" && value !== null)) {
      target[key] = redactDeep(value, redact);
    }
  }
  if (error.cause !== undefined) {
    // An error of this library is scrubbed in place, keeping its class: it was made by the library (a failed
    // revoke), never handed over by a caller's code. Any other cause is replaced by a scrubbed copy of what it
    // says, scrubbed the same way, so its text prints safely too.
    const cause = error.cause instanceof MotherDuckError ? (error.cause as Error) : scrubbedCause(error.cause, redact);
    error.cause = scrubError(cause, redact);
  }
  return error;
}

/**
 * A message on its own lines: every control character escaped, newlines too, except the one line break the
 * library itself puts before a hint, in an error that has one (whose text before it is the library's or
 * already escaped). So neither a server nor an input can forge a line of its own.
 */
function printableMessage(message: string, hint: unknown): string {
  return (hint ? message.split(HINT_SEPARATOR) : [message]).map(terminalSafe).join(HINT_SEPARATOR);
}

function scrubbing(redact: Redactor) {
  return (error: unknown): never => {
    throw error instanceof MotherDuckError ? scrubError(error, redact) : error;
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === "function";
}

/**
 * An async iterable whose failures, at any step, are scrubbed as a call's are. `yield*` hands each step to the
 * iterable, an early `return` (a `break`) included.
 */
async function* scrubbedIterable<T>(iterable: AsyncIterable<T>, scrub: (error: unknown) => never): AsyncIterable<T> {
  try {
    yield* iterable;
  } catch (error) {
    scrub(error);
  }
}

/**
 * The resource with each method's failures scrubbed. The caller's own abort reason is not the library's
 * error and passes through untouched, as fetch passes it.
 */
export function withScrubbedErrors<R extends object>(resource: R, redact: Redactor): R {
  const scrub = scrubbing(redact);
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(resource)) {
    if (typeof method !== "function") {
      wrapped[name] = method;
      continue;
    }
    const call = (...args: unknown[]) => {
      let result: unknown;
      try {
        result = method(...args);
      } catch (error) {
        return scrub(error);
      }
      if (result instanceof Promise) return result.catch(scrub);
      return isAsyncIterable(result) ? scrubbedIterable(result, scrub) : result;
    };
    // Stack traces and util.inspect name the method, not the wrapper.
    Object.defineProperty(call, "name", { value: name });
    wrapped[name] = call;
  }
  return wrapped as R;
}
