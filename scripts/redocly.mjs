#!/usr/bin/env node
// `npm run docs` and `npm run lint:spec`: Redocly CLI, quietly. Redocly prints boxed banners on every run (that
// Node.js 20 support is ending, that build-docs now uses Redoc 3) and has no setting that turns them off; its
// update notices and announcements do have one, and telemetry is off in redocly.yaml and here. This runs
// Redocly with its arguments, drops the boxed banners from what it prints, passes every other line through,
// and exits with Redocly's exit code.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const BOX_TOP = "╔";
const BOX_BOTTOM = "╚";

/**
 * A line filter that drops boxed banners and the blank lines around them: it takes one line and returns the
 * lines to print now. Blank lines wait until the next line shows whether they pad a banner.
 */
function bannerFilter() {
  let inBox = false;
  let afterBox = false;
  let blanks = [];
  return (line) => {
    const text = line.trim();
    if (inBox || text.startsWith(BOX_TOP)) {
      inBox = !text.startsWith(BOX_BOTTOM);
      afterBox = !inBox;
      blanks = [];
      return [];
    }
    if (text === "") {
      if (!afterBox) blanks.push(line);
      return [];
    }
    const out = [...blanks, line];
    [blanks, afterBox] = [[], false];
    return out;
  };
}

function pipeLines(from, to) {
  const filter = bannerFilter();
  const lines = createInterface({ input: from, crlfDelay: Infinity });
  lines.on("line", (line) => {
    for (const kept of filter(line)) to.write(`${kept}\n`);
  });
  return new Promise((resolve) => lines.once("close", resolve));
}

const cli = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: ["inherit", "pipe", "pipe"],
  env: { ...process.env, REDOCLY_SUPPRESS_NOTIFICATIONS: "true", REDOCLY_TELEMETRY: "off" },
});
const piped = Promise.all([pipeLines(child.stdout, process.stdout), pipeLines(child.stderr, process.stderr)]);
const [code, signal] = await new Promise((resolve) => child.once("close", (...result) => resolve(result)));
await piped;
process.exitCode = signal ? 1 : code;
