#!/usr/bin/env node
// Assembles MotherDuck's REST API spec as MotherDuck would serve it today, from the reference material:
// the operations decoded from the docs pages (the seed and `*.operation.json`), the operations rebuilt from
// MotherDuck's Terraform provider, and the `*.changes.json` patches, applied. `npm run spec:pull -- --from
// <file>` then brings the result into openapi.yaml like any published spec.
//
// Whatever comes from the provider rather than from the published docs carries `x-source: terraform-provider`,
// so that the next pull from the live spec replaces it (scripts/lib/provenance.mjs).
//
//   node scripts/assemble-upstream.mjs --out <file> [--reference <dir>] [--seed <dir>]
import { readFile, readdir, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { PROVIDER, SOURCE_KEY } from "./lib/provenance.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");
// Keys of a decoded operation that describe where it lives, not what it is.
const PLACEMENT = ["method", "path", "servers", "securitySchemes"];

class AssembleError extends Error {}

const readJson = async (path) => JSON.parse(await readFile(path, "utf8"));

/** RFC 6901: "/a/b~1c" → ["a", "b/c"]. */
export function pointerParts(pointer) {
  if (!pointer.startsWith("/")) throw new AssembleError(`not a JSON pointer: ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Applies one add/replace change to `op` in place; the new node is marked as the provider's. */
export function applyChange(op, change) {
  if (change.op === "unchanged") return;
  if (change.op !== "add" && change.op !== "replace") {
    throw new AssembleError(`unknown change "${change.op}" at ${change.pointer}`);
  }
  const parts = pointerParts(change.pointer);
  const last = parts.pop();
  const parent = parts.reduce((at, key) => at?.[key], op);
  if (!parent || typeof parent !== "object") throw new AssembleError(`${change.pointer}: no such parent`);
  if (change.op === "add" && last in parent) throw new AssembleError(`${change.pointer}: already there`);
  if (change.op === "replace" && !(last in parent)) throw new AssembleError(`${change.pointer}: nothing to replace`);
  parent[last] = { ...structuredClone(change.value), [SOURCE_KEY]: PROVIDER };
}

/** The upstream error body a response points at, by the code in its example, or undefined. */
function errorCodeOf(schema) {
  const code = schema?.properties?.code?.example;
  return typeof code === "string" && schema.required?.includes("code") ? code : undefined;
}

/** Moves inline error bodies to `components.schemas["error.<CODE>"]`, where MotherDuck's spec keeps them. */
function shareErrorBodies(op, schemas) {
  for (const response of Object.values(op.responses ?? {})) {
    const media = response.content?.["application/json"];
    const code = errorCodeOf(media?.schema);
    if (!code) continue;
    const name = `error.${code}`;
    if (schemas[name] && !isDeepStrictEqual(schemas[name], media.schema)) {
      throw new AssembleError(`${op.operationId}: its ${name} body differs from another operation's`);
    }
    schemas[name] = media.schema;
    media.schema = { $ref: `#/components/schemas/${name}` };
  }
}

/** Loads the decoded operations, applies the changes, and returns one OpenAPI 3.0.3 document. */
export async function assemble({ referenceDir, seedDir }) {
  const files = [
    join(seedDir, "users-create-token.operation.json"),
    ...(await readdir(referenceDir))
      .filter((name) => name.endsWith(".operation.json"))
      .sort()
      .map((name) => join(referenceDir, name)),
  ];
  const byFile = new Map();
  const byId = new Map();
  for (const file of files) {
    const op = await readJson(file);
    for (const key of ["jsonRequestBodyExample", "info", "postman"]) delete op[key];
    if (byId.has(op.operationId)) continue; // the seed is authoritative for its operation
    // A reconstruction (not decoded from a docs page) says so with its evidence at the top.
    if ("x-evidence" in op) op[SOURCE_KEY] = PROVIDER;
    byFile.set(basename(file), op);
    byId.set(op.operationId, op);
  }

  const changeFiles = (await readdir(referenceDir)).filter((name) => name.endsWith(".changes.json")).sort();
  for (const name of changeFiles) {
    const patch = await readJson(join(referenceDir, name));
    for (const change of patch.changes) {
      const op = change.operation ? byId.get(change.operation) : byFile.get(basename(patch.baseline ?? ""));
      if (!op) throw new AssembleError(`${name}: no operation for the change at ${change.pointer}`);
      applyChange(op, change);
    }
  }

  const seed = await readJson(files[0]);
  const doc = {
    openapi: "3.0.3",
    info: seed.info,
    servers: seed.servers,
    tags: [],
    paths: {},
    components: { securitySchemes: seed.securitySchemes, schemas: {} },
  };
  for (const op of byId.values()) {
    if (op.securitySchemes && !isDeepStrictEqual(op.securitySchemes, seed.securitySchemes)) {
      throw new AssembleError(`${op.operationId} declares other security schemes`);
    }
    for (const tag of op.tags ?? []) if (!doc.tags.some((t) => t.name === tag)) doc.tags.push({ name: tag });
    const { method, path } = op;
    for (const key of PLACEMENT) delete op[key];
    shareErrorBodies(op, doc.components.schemas);
    doc.paths[path] ??= {};
    doc.paths[path][method] = op;
  }
  return doc;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      reference: { type: "string", default: join(root, "../shared/reference/motherduck-rest-api") },
      seed: { type: "string", default: join(root, "../shared/seed") },
      out: { type: "string" },
    },
  });
  try {
    const doc = await assemble({ referenceDir: resolve(values.reference), seedDir: resolve(values.seed) });
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (values.out) {
      await writeFile(resolve(values.out), text);
      console.error(`wrote ${values.out}: ${Object.values(doc.paths).flatMap(Object.keys).length} operations`);
    } else {
      process.stdout.write(text);
    }
  } catch (error) {
    console.error(`assemble-upstream: ${error.message}`);
    process.exitCode = error instanceof AssembleError ? 2 : 1;
  }
}
