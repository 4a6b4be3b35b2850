#!/usr/bin/env node
// `npm run spec:pull [url]`: brings openapi.yaml in step with MotherDuck's published spec.
//
// It keeps the operations this client supports (and adds those named with --add), takes their parameters,
// bodies and responses from upstream, carries over this project's summaries, descriptions and x- extensions,
// writes openapi.yaml, prints what changed, and regenerates src/generated/. Parts marked `x-source:
// terraform-provider` stay until upstream states them, and are then replaced by upstream's. On unexpected
// input it stops and leaves openapi.yaml untouched.
//
//   node scripts/spec-pull.mjs [url] [--from file] [--add operationId|all]... [--spec openapi.yaml] [--out src/generated]
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { format, resolveConfig } from "prettier";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { generate } from "./generate.mjs";
import { derefDeep } from "./lib/spec.mjs";
import {
  ADDENDUM_KEY,
  PROVENANCE_KEYS,
  PROVIDER,
  isFromProvider,
  providerNodes,
  withAddendum,
} from "./lib/provenance.mjs";

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
    for (const [method, op] of Object.entries(item ?? {})) {
      if (METHODS.includes(method) && op?.operationId) found.set(op.operationId, { path, method, op });
    }
  }
  return found;
}

/**
 * Copies every x- key of `from` onto the same place in `to`, wherever both have that place. Provenance keys
 * (x-source, x-evidence) belong to whoever supplied the node and are not carried: upstream's node replaces the
 * provider's. Rules OpenAPI cannot state (x-max-json-bytes) are this project's and stay.
 */
function carryExtensions(from, to) {
  if (!from || !to || typeof from !== "object" || typeof to !== "object") return;
  for (const [key, value] of Object.entries(from)) {
    if (PROVENANCE_KEYS.has(key)) continue;
    if (key.startsWith("x-")) to[key] = structuredClone(value);
    else if (key in to) carryExtensions(value, to[key]);
  }
}

const pointerGet = (node, parts) => parts.reduce((at, key) => at?.[key], node);
const pointerParts = (pointer) =>
  pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));

/** Puts back the provider's parts of `op` that upstream's `next` does not state at all; upstream's own win. */
function keepProviderParts(op, next) {
  for (const { pointer, node } of providerNodes(op)) {
    if (pointer === "") continue;
    const parts = pointerParts(pointer);
    const last = parts.pop();
    const parent = pointerGet(next, parts);
    if (parent && typeof parent === "object" && !(last in parent)) parent[last] = structuredClone(node);
  }
}

/** Below the operations, each x-description-addendum is re-appended to upstream's description of its node. */
function applyAddenda(node) {
  if (!node || typeof node !== "object") return;
  if (typeof node[ADDENDUM_KEY] === "string") node.description = withAddendum(node.description, node[ADDENDUM_KEY]);
  for (const child of Object.values(node)) applyAddenda(child);
}

/** `next` with its keys, at every depth, in the order `model` has them, then the rest: a pull should not reshuffle the file. */
function inOrderOf(model, next) {
  if (!model || !next || typeof model !== "object" || typeof next !== "object") return next;
  if (Array.isArray(next)) return next.map((item, i) => inOrderOf(Array.isArray(model) ? model[i] : undefined, item));
  const keys = [
    ...Object.keys(model).filter((key) => key in next),
    ...Object.keys(next).filter((key) => !(key in model)),
  ];
  return Object.fromEntries(keys.map((key) => [key, inOrderOf(model[key], next[key])]));
}

/** Points each response equal to one of `components.responses` at it, as this project's spec does. */
function shareResponses(doc) {
  const shared = Object.keys(doc.components?.responses ?? {}).map((name) => ({
    ref: `#/components/responses/${name}`,
    resolved: derefDeep(doc, doc.components.responses[name]),
  }));
  for (const { op } of operationsOf(doc).values()) {
    for (const [status, response] of Object.entries(op.responses ?? {})) {
      if (response.$ref) continue;
      const match = shared.find((s) => isDeepStrictEqual(s.resolved, derefDeep(doc, response)));
      if (match) op.responses[status] = { $ref: match.ref };
    }
  }
}

/**
 * Why a path key could take a request (and its bearer token) out of the base URL, or undefined when it cannot.
 * The client appends the key to the base URL as text: ".evil.example/…" would change the host, and a ".."
 * segment (or "%2e%2e", which URL parsers read the same) would leave the base path.
 */
export function pathKeyProblem(key) {
  if (!key.startsWith("/")) return "does not start with /";
  // URL parsers drop tabs and line breaks before they resolve dot segments: "/\n..\n/" is a ".." segment.
  if (/[?#\\\s\x00-\x1f\x7f]/.test(key)) return "holds ?, #, a backslash, white space or a control character";
  const segments = key.slice(1).split("/");
  if (segments.includes("")) return "has an empty segment";
  if (segments.some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) return "has a . or .. segment";
  return undefined;
}

/** The URLs a `servers` list names, as the change report prints them. */
const serverUrls = (servers) => JSON.stringify((Array.isArray(servers) ? servers : []).map((server) => server?.url));

/**
 * An operation or path that names its own servers would send its requests, and the docs' examples, elsewhere
 * than the top-level servers this project keeps: refused, as this project names none.
 */
function checkNoOwnServers(merged, upstream) {
  for (const { path, method, op } of operationsOf(merged).values()) {
    const own = op.servers ?? upstream.paths[path]?.servers;
    if (own !== undefined) {
      throw new PullError(
        `${method.toUpperCase()} ${path} names its own servers ${serverUrls(own)}: ` +
          "its requests would not go to this project's servers",
      );
    }
  }
}

function checkPathKeys(doc) {
  for (const key of Object.keys(doc.paths)) {
    const problem = pathKeyProblem(key);
    if (problem)
      throw new PullError(
        `the path ${JSON.stringify(key)} ${problem}: a client built from it could send requests elsewhere`,
      );
  }
}

/**
 * The document with this client's operations (plus those named in `add`, or every published one for "all"),
 * upstream's contract, and this project's words. An operation or part known only from MotherDuck's provider
 * is kept while upstream does not state it, and replaced by upstream's as soon as it does.
 */
export function merge(current, upstream, { add = [] } = {}) {
  const ours = operationsOf(current);
  const theirs = operationsOf(upstream);
  const missing = [...ours].filter(([id, { op }]) => !theirs.has(id) && !isFromProvider(op)).map(([id]) => id);
  if (missing.length) {
    throw new PullError(`the published spec lacks operations this client supports: ${missing.join(", ")}`);
  }
  const adopted = add.includes("all") ? [...theirs.keys()].filter((id) => !ours.has(id)) : add;
  const unknown = adopted.filter((id) => !theirs.has(id));
  if (unknown.length) throw new PullError(`the published spec has no operation ${unknown.join(", ")} to add`);

  const merged = structuredClone({ ...upstream, paths: {} });
  // The servers are where the client sends its bearer token and where the rendered docs point: this project's,
  // never upstream's. A difference is printed as a change line (see changeReport).
  for (const key of ["info", "servers"]) if (current[key]) merged[key] = structuredClone(current[key]);
  // This project's top-level parts that upstream leaves out (the default security, the shared responses).
  for (const [key, value] of Object.entries(current)) if (!(key in merged)) merged[key] = structuredClone(value);
  for (const [key, value] of Object.entries(current.components ?? {})) {
    merged.components ??= {};
    if (!(key in merged.components)) merged.components[key] = structuredClone(value);
  }
  const tags = structuredClone(current.tags ?? []);
  for (const tag of upstream.tags ?? []) if (!tags.some((t) => t.name === tag.name)) tags.push(structuredClone(tag));
  if (tags.length) merged.tags = tags;

  const place = (path, method, op) => {
    merged.paths[path] ??= {};
    merged.paths[path][method] = op;
  };
  for (const [id, { path, method, op }] of ours) {
    const upstreamEntry = theirs.get(id);
    if (!upstreamEntry) {
      place(path, method, structuredClone(op));
      continue;
    }
    const next = structuredClone(upstreamEntry.op);
    for (const key of OURS) if (op[key] !== undefined) next[key] = op[key];
    carryExtensions(op, next);
    keepProviderParts(op, next);
    place(upstreamEntry.path, upstreamEntry.method, next);
  }
  for (const id of adopted) {
    const { path, method, op } = theirs.get(id);
    place(path, method, structuredClone(op));
  }
  for (const item of Object.values(merged.paths)) {
    for (const op of Object.values(item))
      for (const [key, child] of Object.entries(op)) if (!OURS.has(key)) applyAddenda(child);
  }
  checkPathKeys(merged);
  checkNoOwnServers(merged, upstream);
  shareResponses(merged);
  return inOrderOf(current, merged);
}

// Extensions that are part of the contract: the generator turns them into rules.
const CONTRACT_EXTENSIONS = new Set(["x-max-json-bytes"]);
const WORDS = new Set(["description", "summary", "example", "title"]);

/** Leaves of an operation's contract, by a readable path; words and extensions are not the contract. */
function contractLeaves(spec, op, { successOnly = false } = {}) {
  const leaves = new Map();
  const walk = (node, path, isPropertyMap) => {
    if (Array.isArray(node) && node.every((v) => v === null || typeof v !== "object")) {
      leaves.set(path, JSON.stringify(node));
    } else if (node && typeof node === "object") {
      const entries = Array.isArray(node)
        ? node.map((v, i) => [v?.name ?? String(i), v])
        : Object.entries(node).filter(
            ([k]) => isPropertyMap || ((CONTRACT_EXTENSIONS.has(k) || !k.startsWith("x-")) && !WORDS.has(k)),
          );
      for (const [key, value] of entries) {
        walk(value, path ? `${path} › ${key}` : key, key === "properties" && !isPropertyMap);
      }
    } else if (node !== undefined) {
      leaves.set(path, JSON.stringify(node));
    }
  };
  const resolved = derefDeep(spec, op);
  const responses = Object.fromEntries(
    Object.entries(resolved.responses ?? {}).filter(([status]) => !successOnly || /^2/.test(status)),
  );
  walk(
    {
      parameters: resolved.parameters,
      body: resolved.requestBody?.content?.["application/json"]?.schema,
      responses,
    },
    "",
    false,
  );
  return leaves;
}

const readable = (path) =>
  path.replaceAll("properties › ", "").replaceAll("content › application/json › schema › ", "").replaceAll(" › ", ".");

const readablePointer = (pointer) =>
  readable(
    pointerParts(pointer)
      .join(" › ")
      .replace(/^requestBody › content › application\/json › schema/, "body"),
  ) || "the whole operation";

/** A human-readable account of what changed between the current spec and the merged one. */
export function changeReport(current, merged, upstream) {
  const lines = [];
  const ours = operationsOf(current);
  const theirs = operationsOf(upstream);
  const next = operationsOf(merged);
  const providerPointers = (op) => new Set(providerNodes(op).map((n) => n.pointer));
  const kept = [];
  const replaced = [];
  for (const [id, { path, method, op }] of ours) {
    const now = next.get(id);
    const before = contractLeaves(current, op);
    const after = contractLeaves(merged, now.op);
    const changes = [];
    for (const [path, value] of after) {
      if (!before.has(path)) changes.push(`  + ${readable(path)}: ${value}`);
      else if (before.get(path) !== value) changes.push(`  ~ ${readable(path)}: ${before.get(path)} → ${value}`);
    }
    for (const [path, value] of before) if (!after.has(path)) changes.push(`  - ${readable(path)}: ${value}`);
    if (now.path !== path || now.method !== method) {
      changes.unshift(`  ~ moved: ${method.toUpperCase()} ${path} → ${now.method.toUpperCase()} ${now.path}`);
    }
    const wasProvider = providerPointers(op);
    const isProvider = providerPointers(now.op);
    const newlyMarked = [...isProvider].filter((p) => !wasProvider.has(p));
    if (newlyMarked.length) changes.push(`  from ${PROVIDER}: ${newlyMarked.map(readablePointer).join(", ")}`);
    const stillProvider = theirs.has(id) ? providerPointers(theirs.get(id).op) : new Set();
    for (const pointer of wasProvider) {
      if (stillProvider.has(pointer)) continue;
      (isProvider.has(pointer) ? kept : replaced).push(`${id} ${readablePointer(pointer)}`);
    }
    lines.push(changes.length ? `Changed: ${id}\n${changes.join("\n")}` : `Unchanged: ${id}`);
  }
  for (const [id, { path, method, op }] of next) {
    if (ours.has(id)) continue;
    const source = isFromProvider(op) ? `, from ${PROVIDER}` : "";
    const parts = [...providerPointers(op)].filter((p) => p !== "");
    lines.push(`Added: ${id} (${method.toUpperCase()} ${path}${source})`);
    for (const [leaf, value] of contractLeaves(merged, op, { successOnly: true })) {
      lines.push(`  + ${readable(leaf)}: ${value}`);
    }
    if (parts.length) lines.push(`  from ${PROVIDER}: ${parts.map(readablePointer).join(", ")}`);
  }
  if (serverUrls(upstream.servers) !== serverUrls(merged.servers)) {
    lines.push(
      `Servers: the published spec names ${serverUrls(upstream.servers)}; kept this project's ${serverUrls(merged.servers)}`,
    );
  }
  const unsupported = [...theirs.keys()].filter((id) => !next.has(id));
  if (unsupported.length)
    lines.push(`Published but not supported by this client (left out): ${unsupported.join(", ")}`);
  if (kept.length) lines.push(`From ${PROVIDER}, kept (the published spec does not state it): ${kept.join("; ")}`);
  if (replaced.length) lines.push(`From ${PROVIDER}, now replaced by the published spec: ${replaced.join("; ")}`);
  return lines.join("\n");
}

async function readLocal(file) {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new PullError(`could not read ${file}: ${error.code ?? error.message}`);
  }
}

export async function pull({ url, from, specPath, outDir, add = [] }) {
  const currentText = await readFile(specPath, "utf8");
  const current = parseYaml(currentText);
  const source = from ?? url;
  const upstream = parseSpec(from ? await readLocal(from) : await download(url), source);
  const merged = merge(current, upstream, { add });
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
      from: { type: "string" },
      add: { type: "string", multiple: true, default: [] },
    },
  });
  const url = positionals[0] ?? DEFAULT_URL;
  if (values.from && positionals.length) {
    console.error("spec:pull: give either a URL or --from <file>, not both");
    process.exit(2);
  }
  try {
    const { report, changedSpec, regenerated } = await pull({
      url,
      from: values.from && resolve(values.from),
      add: values.add.flatMap((v) => v.split(",")),
      specPath: resolve(values.spec),
      outDir: resolve(values.out),
    });
    // Paths as the project names them, so the report reads the same on every machine.
    const shown = (path) => relative(process.cwd(), resolve(path)) || path;
    console.log(report);
    console.log(changedSpec ? `\nWrote ${shown(values.spec)}.` : `\n${shown(values.spec)} is already up to date.`);
    console.log(
      regenerated.length ? `Regenerated ${regenerated.map(shown).join(", ")}.` : "src/generated/ needed no change.",
    );
  } catch (error) {
    console.error(`spec:pull: ${error.message}\nopenapi.yaml was left untouched.`);
    process.exitCode = error instanceof PullError ? 2 : 1;
  }
}
