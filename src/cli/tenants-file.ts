// A tenants file as the CLI reads it: YAML or JSON holding `{ tenants: [spec, ...] }`. This file only parses
// the text, checks the top level and turns duration words ("30d") into the seconds the library takes; every
// spec itself (fields, bounds, names, an account named twice) is checked by the library's plan and apply.
import { line } from "../printable.js";
import { parseDuration, TTL_BOUNDS } from "./duration.js";
import type { DurationBounds } from "./duration.js";
import { didYouMean } from "./suggest.js";

/** One thing wrong with a tenants file: where in it, and what. */
export interface FileIssue {
  where: string;
  message: string;
}

/** A tenants file that cannot be used as written; nothing was sent. */
export class TenantsFileError extends Error {
  constructor(readonly issues: FileIssue[]) {
    super(issues.map((issue) => `${issue.where}: ${issue.message}`).join("\n"));
  }
}

const TOP_LEVEL_KEYS = ["tenants"];
/** Any number of seconds: the library checks `renewBefore` against the token's lifetime. */
const ANY_SECONDS: DurationBounds = { minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
/** The token fields that take a duration, and the bounds a duration word is checked against here. */
const DURATION_FIELDS: Record<string, DurationBounds> = { ttl: TTL_BOUNDS, renewBefore: ANY_SECONDS };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** How a message names one tenant of the file: `tenants[2] (t_acme)`, or `tenants[2]` before its name is known. */
export function tenantLabel(index: number, spec: unknown): string {
  const name = isRecord(spec) ? spec.serviceAccount : undefined;
  return typeof name === "string" ? line`tenants[${index}] (${name})` : `tenants[${index}]`;
}

/**
 * The document a file's text holds: JSON for a `.json` file, YAML (which JSON also is) for any other. The YAML
 * parser is loaded only here, so that no other command pays for loading it.
 */
export async function parseDocument(text: string, fileName: string): Promise<unknown> {
  if (fileName.toLowerCase().endsWith(".json")) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new TenantsFileError([{ where: fileName, message: `is not valid JSON: ${(error as Error).message}` }]);
    }
  }
  const { parse } = await import("yaml");
  try {
    // One document only, unique keys (the default), and aliases bounded (the default) against alias bombs.
    return parse(text);
  } catch (error) {
    const first = (error as Error).message.split("\n")[0]!.replace(/:$/, "");
    throw new TenantsFileError([{ where: fileName, message: `is not valid YAML: ${first}` }]);
  }
}

/** The tenants array of a parsed document, or the issues with its top level. */
function tenantsArray(document: unknown): unknown[] {
  if (!isRecord(document)) {
    throw new TenantsFileError([{ where: "the file", message: "must hold a mapping with one key, tenants: [...]" }]);
  }
  const issues: FileIssue[] = Object.keys(document)
    .filter((key) => !TOP_LEVEL_KEYS.includes(key))
    .map((key) => ({
      where: line`${key}`,
      message: "is not a key of a tenants file, which holds only tenants: [...]" + didYouMean(key, TOP_LEVEL_KEYS),
    }));
  if (!("tenants" in document)) issues.push({ where: "tenants", message: "is missing: list the tenants under it" });
  else if (!Array.isArray(document.tenants)) issues.push({ where: "tenants", message: "must be a list of tenants" });
  if (issues.length) throw new TenantsFileError(issues);
  return document.tenants as unknown[];
}

/** A spec with its token durations in seconds; a duration that cannot be read is added to `issues`. */
function withSeconds(spec: unknown, label: string, issues: FileIssue[]): unknown {
  if (!isRecord(spec) || !isRecord(spec.tokens)) return spec;
  const tokens = Object.entries(spec.tokens).map(([name, token]) => {
    if (!isRecord(token)) return [name, token];
    const converted = { ...token };
    for (const [field, bounds] of Object.entries(DURATION_FIELDS)) {
      const value = token[field];
      if (typeof value !== "string") continue;
      const duration = parseDuration(value, bounds);
      if ("seconds" in duration) converted[field] = duration.seconds;
      else issues.push({ where: line`${label}.tokens.${name}.${field}`, message: line`${duration.error}` });
    }
    return [name, converted];
  });
  return { ...spec, tokens: Object.fromEntries(tokens) };
}

/**
 * The specs a tenants file declares, as the library takes them: `ttl` and `renewBefore` given as durations
 * ("30d", "12h", or seconds in a string) become seconds. Throws a TenantsFileError naming every problem found.
 */
export async function tenantSpecsFrom(text: string, fileName: string): Promise<unknown[]> {
  const tenants = tenantsArray(await parseDocument(text, fileName));
  const issues: FileIssue[] = [];
  const specs = tenants.map((spec, index) => withSeconds(spec, tenantLabel(index, spec), issues));
  if (issues.length) throw new TenantsFileError(issues);
  return specs;
}
