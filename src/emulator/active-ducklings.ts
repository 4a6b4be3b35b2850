// What `activate` may mark as running, so that every GET /v1/active_accounts answer built from it holds to the
// spec. The schema types each field only as a string; its descriptions say what the strings are: a type is one
// of the token types (the generated enum), a status "active" or "cooldown", an id "rw" or "rs.N".
import { enums } from "../rules.js";
import type { Issue } from "../validation/schema.js";

const TYPES: readonly string[] = Object.values(enums.token_type);
const STATUSES = ["active", "cooldown"];
const ID = /^(rw|rs\.\d{1,4})$/;

/** The first problem with a list of Ducklings given to `activate`, at `path`; undefined when it is usable. */
export function ducklingsIssue(ducklings: unknown, path: string): Issue | undefined {
  if (!Array.isArray(ducklings)) return { path, message: "must be a list of { id, type, status }" };
  const seen = new Set<string>();
  for (const [index, duckling] of ducklings.entries()) {
    const at = `${path}[${index}]`;
    const { id, type, status } = (typeof duckling === "object" && duckling !== null ? duckling : {}) as Record<
      string,
      unknown
    >;
    if (typeof id !== "string" || !ID.test(id)) return { path: `${at}.id`, message: 'must be "rw" or "rs.N"' };
    if (typeof type !== "string" || !TYPES.includes(type)) {
      return { path: `${at}.type`, message: `must be one of ${TYPES.join(", ")}` };
    }
    if (typeof status !== "string" || !STATUSES.includes(status)) {
      return { path: `${at}.status`, message: `must be one of ${STATUSES.join(", ")}` };
    }
    if (seen.has(id)) return { path: `${at}.id`, message: `"${id}" is given twice: each Duckling id once` };
    seen.add(id);
  }
  return undefined;
}
