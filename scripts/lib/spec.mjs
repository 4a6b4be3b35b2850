// Reading an OpenAPI document and resolving its local $refs: shared by the generator and the tests.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";

export async function loadSpec(path) {
  return parseYaml(await readFile(path, "utf8"));
}

/** Follows a local $ref (and any chain of them) to the node it names. */
export function deref(spec, node, seen = new Set()) {
  if (!node || typeof node.$ref !== "string") return node;
  const ref = node.$ref;
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${ref}`);
  if (seen.has(ref)) throw new Error(`circular $ref ${ref}`);
  const target = ref
    .slice(2)
    .split("/")
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((at, key) => at?.[key], spec);
  if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
  return deref(spec, target, new Set(seen).add(ref));
}

/**
 * The $refs being expanded once `node` is entered, given those `expanding` already: a $ref met again inside
 * what it names would expand forever, so it is refused by name. The rules and the validator are trees.
 */
export function enterRef(node, expanding) {
  const ref = node?.$ref;
  if (typeof ref !== "string") return expanding;
  if (expanding.includes(ref)) {
    const cycle = [...expanding.slice(expanding.indexOf(ref)), ref].join(" → ");
    throw new Error(`the schema ${ref} refers to itself (${cycle}); recursive schemas are not supported`);
  }
  return [...expanding, ref];
}

/** A copy of `node` with every local $ref below it replaced by what it names. */
export function derefDeep(spec, node, expanding = []) {
  const inside = enterRef(node, expanding);
  const resolved = deref(spec, node);
  if (Array.isArray(resolved)) return resolved.map((item) => derefDeep(spec, item, inside));
  if (resolved && typeof resolved === "object") {
    return Object.fromEntries(Object.entries(resolved).map(([key, value]) => [key, derefDeep(spec, value, inside)]));
  }
  return resolved;
}
