#!/usr/bin/env node
// `npm run build`: dist/ for the package. esbuild bundles each entry point, so a cold import loads one or
// a few files instead of dozens; tsc writes the declarations.
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const dist = join(root, "dist");

await rm(dist, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  outdir: dist,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Smaller files parse faster on a cold start; error classes carry their names as strings, so minified
  // identifiers do not change what users see.
  minify: true,
  logLevel: "warning",
};
// The library alone, as one file: what most users import, so its cold start reads a single module.
await build({ ...common, entryPoints: { index: "src/index.ts" } });
// The emulator and the CLI share a chunk. They keep their own copy of the code the library also has,
// which is safe: no error class or other identity crosses between the library and them.
await build({
  ...common,
  entryPoints: { "emulator/index": "src/emulator/index.ts", "cli/bin": "src/cli/bin.ts" },
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
});
await promisify(execFile)(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: root,
  },
);
