import { ADDENDUM_KEY, withoutAddendum } from "../../scripts/lib/provenance.mjs";

/** A copy of a spec node without this project's `x-` extensions, which upstream does not have. */
export function withoutExtensions<T>(node: T): T {
  if (Array.isArray(node)) return node.map(withoutExtensions) as T;
  if (node && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => !key.startsWith("x-"))
        .map(([key, value]) => [key, withoutExtensions(value)]),
    ) as T;
  }
  return node;
}

/** A spec node as upstream publishes it: this project's description addenda taken off, and no `x-` extensions. */
export function asPublished<T>(node: T): T {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!value || typeof value !== "object") return value;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const addendum = copy[ADDENDUM_KEY] as string | undefined;
    if (addendum) {
      const description = withoutAddendum(copy.description as string | undefined, addendum);
      if (description === undefined) delete copy.description;
      else copy.description = description;
    }
    return Object.fromEntries(Object.entries(copy).map(([key, v]) => [key, strip(v)]));
  };
  return withoutExtensions(strip(node) as T);
}
