// What a running tenants batch shows and how it stops: progress on stderr (a live line on a terminal, a line
// per finished tenant elsewhere) and Ctrl-C, which aborts the batch so that nothing more is sent.
import type { TenantsProgress } from "../tenants/index.js";
import type { Output } from "./deliver.js";
import { ReportedFailure } from "./output.js";
import { progressLine, resultLine } from "./tenants-lines.js";

/** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs `work` with a signal that Ctrl-C aborts. The library stops sending, and a re-run finishes what was
 * begun; a second Ctrl-C is Node's own and stops the process at once.
 */
export async function interruptible<T>(out: Output, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const interrupted = new Error("interrupted");
  const onInterrupt = () => controller.abort(interrupted);
  process.once("SIGINT", onInterrupt);
  try {
    return await work(controller.signal);
  } catch (error) {
    if (error !== interrupted) throw error;
    out.live("");
    out.say(
      "interrupted (Ctrl-C): no further request was sent. What was begun is safe to finish: " +
        "run the same command again.\n",
    );
    throw new ReportedFailure(EXIT_INTERRUPTED);
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}

/**
 * Progress on stderr: on a terminal one live line, redrawn as tenants finish, with failures kept above it;
 * elsewhere (a log, a pipe) one line per finished tenant.
 */
export function progressOn(out: Output): { onProgress(progress: TenantsProgress): void; done(): void } {
  const terminal = out.stderrIsTerminal();
  let failed = 0;
  return {
    onProgress(progress) {
      if (progress.tenant.outcome === "failed") failed++;
      // On a terminal a failure stays above the live line (say writes there); elsewhere every tenant gets a line.
      if (!terminal || progress.tenant.outcome === "failed") out.say(resultLine(progress.tenant) + "\n");
      if (terminal) out.live(progressLine(progress, failed));
    },
    done: () => out.live(""),
  };
}
