// Where a part of the spec comes from. MotherDuck's published spec is the authority; parts known only from
// MotherDuck's Terraform provider are marked, so that a pull from the published spec replaces them.

/** The extension that marks a node's source. */
export const SOURCE_KEY = "x-source";
/** The value of SOURCE_KEY on a node rebuilt from MotherDuck's Terraform provider. */
export const PROVIDER = "terraform-provider";
/** Extensions that describe a node's source: they belong to whoever supplied the node, never carried over. */
export const PROVENANCE_KEYS = new Set([SOURCE_KEY, "x-evidence"]);
/** This project's words added after upstream's own description of a node; spec:pull re-appends them. */
export const ADDENDUM_KEY = "x-description-addendum";

export const isFromProvider = (node) => Boolean(node && typeof node === "object" && node[SOURCE_KEY] === PROVIDER);

/** The description a node shows: upstream's words, then this project's addendum as a paragraph of its own. */
export function withAddendum(description, addendum) {
  if (!addendum) return description;
  if (description?.endsWith(addendum)) return description;
  return description ? `${description}\n\n${addendum}` : addendum;
}

/** Upstream's own description of a node, with this project's addendum taken off again. */
export function withoutAddendum(description, addendum) {
  if (!addendum || description === undefined) return description;
  if (description === addendum) return undefined;
  return description.endsWith(`\n\n${addendum}`) ? description.slice(0, -addendum.length - 2) : description;
}

/** Every node marked as the provider's, with its JSON pointer, outermost first; a marked node's children are not listed. */
export function providerNodes(node, pointer = "") {
  if (!node || typeof node !== "object") return [];
  if (isFromProvider(node)) return [{ pointer, node }];
  return Object.entries(node).flatMap(([key, child]) =>
    providerNodes(child, `${pointer}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`),
  );
}
