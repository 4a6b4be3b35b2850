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
  // Readable code, as a library should ship: identifiers keep their names, so `util.inspect` of an error,
  // `constructor.name` and every stack frame name the real class or function. Whitespace and syntax are
  // still minified, which keeps the cold import within budget; an app's own bundler minifies the rest.
  // (esbuild's keepNames is not needed: no exported name is renamed, which the consumer test checks, and
  // it would add about 0.9 KB gzipped to every app that bundles the client.)
  minifyWhitespace: true,
  minifySyntax: true,
  // Stack traces map back to the TypeScript sources, from the installed package too: the maps carry the
  // sources' text, since src/ is not shipped.
  sourcemap: "linked",
  sourcesContent: true,
  logLevel: "warning",
};
// The library alone, as one file: what most users import, so its cold start reads a single module.
await build({ ...common, entryPoints: { index: "src/index.ts" } });
// The tenants layer on its own: it imports the library's entry point rather than a copy of it, so that its
// errors are the very classes `motherduck-rest` exports (instanceof holds) and an app that only mints tokens
// loads none of it.
const libraryEntry = resolve(root, "src/index.ts");
await build({
  ...common,
  entryPoints: { "tenants/index": "src/tenants/index.ts" },
  plugins: [
    {
      name: "library-entry-external",
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /\/index\.js$/ }, (args) =>
          resolve(args.resolveDir, args.path.replace(/\.js$/, ".ts")) === libraryEntry
            ? { path: "../index.js", external: true }
            : undefined,
        );
      },
    },
  ],
});
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
