// The signal every request of a batch goes out with. Each request in flight listens for an abort on it, so a
// batch of 32 adds 32 listeners to one signal: Node warns of a leak past 10 (MaxListenersExceededWarning),
// though each listener goes when its request ends. The batch's own signal, which follows the caller's, may
// hold them all; the caller's signal holds one listener, for the batch's lifetime.
import { setMaxListeners } from "node:events";

export interface BatchSignal {
  /** Aborted with the caller's reason when the caller's signal aborts; undefined when the caller gave none. */
  signal: AbortSignal | undefined;
  /** Stops following the caller's signal: call it when the batch ends. */
  release(): void;
}

export function followCallerSignal(caller: AbortSignal | undefined): BatchSignal {
  if (caller === undefined) return { signal: undefined, release: () => {} };
  const own = new AbortController();
  try {
    setMaxListeners(0, own.signal);
  } catch {
    // A runtime whose node:events cannot lift the limit of an EventTarget: it warns, if it warns at all.
  }
  const follow = () => own.abort(caller.reason);
  if (caller.aborted) follow();
  else caller.addEventListener("abort", follow, { once: true });
  return { signal: own.signal, release: () => caller.removeEventListener("abort", follow) };
}
