// The size an app pays for this package: an app that creates one token, bundled by esbuild, minified and
// gzipped, next to the same for openapi-fetch alone. Sizes are deterministic for a given build.
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(fileURLToPath(import.meta.url), "../..");

async function gzippedBundle(contents: string): Promise<number> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  return gzipSync(result.outputFiles[0]!.contents, { level: 9 }).length;
}

/** Bytes, gzipped, of the one-token app built from dist/ (build first), and of openapi-fetch alone. */
export async function bundleSizes(): Promise<{ app: number; openapiFetch: number }> {
  const app = await gzippedBundle(
    `import { createMotherDuckClient } from "motherduck-rest";
     const token = await createMotherDuckClient().tokens.create("svc_etl", { name: "ci", ttl: 3600 });
     console.log(token.id);`,
  );
  const openapiFetch = await gzippedBundle(
    `import createClient from "openapi-fetch";
     const { data } = await createClient({ baseUrl: "https://api.motherduck.com" }).POST("/v1/users/svc_etl/tokens", { body: { name: "ci" } });
     console.log(data);`,
  );
  return { app, openapiFetch };
}
