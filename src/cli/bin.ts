#!/usr/bin/env node
import { runCli } from "./main.js";
import { stdoutIsDiscarded } from "./stdout.js";
import { EXIT_INTERRUPTED } from "./output.js";

// A reader that went away (EPIPE) is reported to the write's callback, and the CLI handles it there;
// without these listeners Node would also throw it as an uncaught exception.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

const code = await runCli(process.argv.slice(2), {
  stdout: (text) =>
    new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
  stderr: (text) => void process.stderr.write(text),
  stdoutDiscarded: stdoutIsDiscarded,
  onInterrupt(listener) {
    process.once("SIGINT", listener);
    return () => process.off("SIGINT", listener);
  },
  stderrIsTerminal: () => process.stderr.isTTY === true,
});
// An interrupted write exits now: its call may still be in flight, and nothing it does from here on (such as
// printing a secret after "interrupted") should happen. stderr is written synchronously to files and pipes.
if (code === EXIT_INTERRUPTED) process.exit(code);
process.exitCode = code;
