#!/usr/bin/env node
import { runCli } from "./main.js";
import { stdoutIsDiscarded } from "./stdout.js";

// A reader that went away (EPIPE) is reported to the write's callback, and the CLI handles it there;
// without these listeners Node would also throw it as an uncaught exception.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) =>
    new Promise<void>((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
  stderr: (text) => void process.stderr.write(text),
  stdoutDiscarded: stdoutIsDiscarded,
  stderrIsTerminal: () => process.stderr.isTTY === true,
});
