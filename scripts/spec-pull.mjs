#!/usr/bin/env node
// `npm run spec:pull [url]`: brings openapi.yaml in step with MotherDuck's published spec.
//
// It keeps the operations this client supports, takes their parameters, bodies and responses from upstream,
// carries over this project's summaries, descriptions and x- extensions, writes openapi.yaml, prints what
// changed, and regenerates src/generated/. On unexpected input it stops and leaves openapi.yaml untouched.
//
//   node scripts/spec-pull.mjs [url] [--spec openapi.yaml] [--out src/generated]
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { format, resolveConfig } from "prettier";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { generate } from "./generate.mjs";
import { derefDeep } from "./lib/spec.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");
export const DEFAULT_URL = "https://api.motherduck.com/docs/specs";
const FETCH_TIMEOUT_MS = 30_000;
const MAX_SPEC_BYTES = 20 * 1024 * 1024;
const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];
// What this project writes itself, kept over upstream's text.
const OURS = new Set(["summary", "description"]);

class PullError extends Error {}

async function download(url) {
  let response;
  try {
    response = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: "application/json, application/yaml" },
    });
  } catch (error) {
    throw new PullError(`could not fetch ${url}: ${error.cause?.code ?? error.message}`);
  }
  if (!response.ok) throw new PullError(`${url} answered ${response.status} ${response.statusText}`);
  const text = await response.text();
  if (text.length > MAX_SPEC_BYTES) throw new PullError(`${url} sent more than ${MAX_SPEC_BYTES} bytes`);
  return text;
}

/** Parses JSON or YAML, and insists on an OpenAPI 3 document. */
export function parseSpec(text, source) {
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    try {
      doc = parseYaml(text);
    } catch {
      throw new PullError(`${source} is neither JSON nor YAML`);
    }
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new PullError(`${source} is neither JSON nor YAML`);
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.")) {
    throw new PullError(
      `${source} is not an OpenAPI 3 document (openapi: ${JSON.stringify(doc.openapi ?? doc.swagger ?? null)})`,
    );
  }
  if (!doc.paths || typeof doc.paths !== "object") throw new PullError(`${source} has no paths`);
  return doc;
}

function operationsOf(spec) {
  const found = new Map();
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (op?.operationId) found.set(op.operationId, { path, method, op });
    }
  }
  return found;
}

/** Copies every x- key of `from` onto the same place in `to`, wherever both have that place. */
function carryExtensions(from, to) {
  if (!from || !to || typeof from !== "object" || typeof to !== "object") return;
  for (const [key, value] of Object.entries(from)) {
    if (key.startsWith("x-")) to[key] = structuredClone(value);
    else if (key in to) carryExtensions(value, to[key]);
  }
}

/** The document with only the supported operations, upstream's contract and this project's words. */
export function merge(current, upstream) {
  const ours = operationsOf(current);
  const theirs = operationsOf(upstream);
  const missing = [...ours.keys()].filter((id) => !theirs.has(id));
  if (missing.length) {
    throw new PullError(`the published spec lacks operations this client supports: ${missing.join(", ")}`);
  }
  const merged = structuredClone({ ...upstream, paths: {} });
  for (const key of ["info", "tags"]) if (current[key]) merged[key] = structuredClone(current[key]);
  for (const [id, { path, method, op }] of ours) {
    const upstreamEntry = theirs.get(id);
    const next = structuredClone(upstreamEntry.op);
    for (const key of OURS) if (op[key] !== undefined) next[key] = op[key];
    carryExtensions(op, next);
    merged.paths[upstreamEntry.path] ??= {};
    merged.paths[upstreamEntry.path][upstreamEntry.method] = next;
  }
  return merged;
}

/** Leaves of an operation's contract, by a readable path; words and extensions are not the contract. */
function contractLeaves(spec, op) {
  const leaves = new Map();
  const walk = (node, path) => {
    if (Array.isArray(node) && node.every((v) => v === null || typeof v !== "object")) {
      leaves.set(path, JSON.stringify(node));
    } else if (node && typeof node === "object") {
      const entries = Array.isArray(node)
        ? node.map((v, i) => [v?.name ?? String(i), v])
        : Object.entries(node).filter(
            ([k]) => !k.startsWith("x-") && !["description", "summary", "example", "title"].includes(k),
          );
      for (const [key, value] of entries) walk(value, path ? `${path} › ${key}` : key);
    } else {
      leaves.set(path, JSON.stringify(node));
    }
  };
  const resolved = derefDeep(spec, op);
  walk(
    {
      parameters: resolved.parameters,
      body: resolved.requestBody?.content?.["application/json"]?.schema,
      responses: resolved.responses,
    },
    "",
  );
  return leaves;
}

const readable = (path) =>
  path.replaceAll("properties › ", "").replaceAll("content › application/json › schema › ", "").replaceAll(" › ", ".");

/** A human-readable account of what changed between the current spec and the merged one. */
export function changeReport(current, merged, upstream) {
  const lines = [];
  const ours = operationsOf(current);
  const theirs = operationsOf(upstream);
  const unsupported = [...theirs.keys()].filter((id) => !ours.has(id));
  if (unsupported.length)
    lines.push(`Published but not supported by this client (left out): ${unsupported.join(", ")}`);
  const next = operationsOf(merged);
  for (const [id, { path, method, op }] of ours) {
    const before = contractLeaves(current, op);
    const after = contractLeaves(merged, next.get(id).op);
    const changes = [];
    for (const [path, value] of after) {
      if (!before.has(path)) changes.push(`  + ${readable(path)}: ${value}`);
      else if (before.get(path) !== value) changes.push(`  ~ ${readable(path)}: ${before.get(path)} → ${value}`);
    }
    for (const [path, value] of before) if (!after.has(path)) changes.push(`  - ${readable(path)}: ${value}`);
    const now = next.get(id);
    if (now.path !== path || now.method !== method) {
      changes.unshift(`  ~ moved: ${method.toUpperCase()} ${path} → ${now.method.toUpperCase()} ${now.path}`);
    }
    lines.push(changes.length ? `Changed: ${id}\n${changes.join("\n")}` : `Unchanged: ${id}`);
  }
  return lines.join("\n");
}

export async function pull({ url, specPath, outDir }) {
  const currentText = await readFile(specPath, "utf8");
  const current = parseYaml(currentText);
  const upstream = parseSpec(await download(url), url);
  const merged = merge(current, upstream);
  const report = changeReport(current, merged, upstream);
  const options = { ...(await resolveConfig(specPath)), parser: "yaml" };
  const text = await format(stringifyYaml(merged, { lineWidth: 0 }), options);
  // Generate from a scratch copy first: a spec the generator cannot take must not replace the good one.
  const scratch = await mkdtemp(join(tmpdir(), "spec-pull-"));
  try {
    await writeFile(join(scratch, "openapi.yaml"), text);
    await generate({ specPath: join(scratch, "openapi.yaml"), outDir: join(scratch, "generated"), check: false });
  } catch (error) {
    throw new PullError(`the published spec cannot be generated from: ${error.message}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (text !== currentText) await writeFile(specPath, text);
  const regenerated = await generate({ specPath, outDir, check: false });
  return { report, changedSpec: text !== currentText, regenerated };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      spec: { type: "string", default: join(root, "openapi.yaml") },
      out: { type: "string", default: join(root, "src/generated") },
    },
  });
  const url = positionals[0] ?? DEFAULT_URL;
  try {
    const { report, changedSpec, regenerated } = await pull({
      url,
      specPath: resolve(values.spec),
      outDir: resolve(values.out),
    });
    console.log(report);
    console.log(changedSpec ? `\nWrote ${values.spec}.` : `\n${values.spec} is already up to date.`);
    console.log(regenerated.length ? `Regenerated ${regenerated.join(", ")}.` : "src/generated/ needed no change.");
  } catch (error) {
    console.error(`spec:pull: ${error.message}\nopenapi.yaml was left untouched.`);
    process.exitCode = error instanceof PullError ? 2 : 1;
  }
}
