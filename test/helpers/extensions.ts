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
