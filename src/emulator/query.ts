// A request's query string, read the way the spec declares its parameters: a URL carries only text, so a
// boolean or integer parameter is turned into one when its text spells one, and left as text otherwise
// (the request check then refuses it with the parameter's name).
import type { Issue, SchemaRule } from "../validation/schema.js";

const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

function typed(text: string, rule: SchemaRule | undefined): unknown {
  if (rule?.type === "boolean" && (text === "true" || text === "false")) return text === "true";
  if ((rule?.type === "integer" || rule?.type === "number") && NUMBER_TEXT.test(text)) return Number(text);
  return text;
}

/** The query parameters of `search` by name, typed by `known`; a parameter given twice is an issue. */
export function parseQuery(
  search: string,
  known: { readonly [name: string]: SchemaRule } = {},
): { query: Record<string, unknown>; issues: Issue[] } {
  const params = new URLSearchParams(search);
  const query: Record<string, unknown> = {};
  const issues: Issue[] = [];
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) issues.push({ path: name, message: "is given more than once" });
    query[name] = typed(values[0]!, Object.hasOwn(known, name) ? known[name] : undefined);
  }
  return { query, issues };
}
