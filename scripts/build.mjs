#!/usr/bin/env node
// `npm run build`: dist/ for the package. esbuild bundles each entry point (the library, the emulator and
// the CLI) with the code they share split into chunks, so a cold import loads a few files instead of
// dozens; tsc writes the declarations.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const dist = join(root, "dist");

await rm(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: "src/index.ts", "emulator/index": "src/emulator/index.ts", "cli/bin": "src/cli/bin.ts" },
  outdir: dist,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  minifySyntax: true,
  minifyWhitespace: true,
  logLevel: "warning",
});
await promisify(execFile)(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: root,
  },
);
