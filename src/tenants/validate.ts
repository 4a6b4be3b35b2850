// The whole batch checked before anything is sent: each tenant's fields against the spec's own rules (the
// ones the client applies to the same calls), the rules a store key needs, and an account named twice.
import { ValidationError } from "../index.js";
import { operations } from "../rules.js";
import { nearestName } from "../options.js";
import { changeRule, pulseCooldownIssues } from "../resources/duckling-config.js";
import { checkPathSegment } from "../validation/path-segment.js";
import { plain } from "../validation/plain.js";
import { checkValue } from "../validation/schema.js";
import type { Issue, SchemaRule } from "../validation/schema.js";
import { TOKEN_NAME } from "./keys.js";
import { distinctUsernames, foldUsername } from "./usernames.js";
import type { TenantSpec } from "./types.js";

const createToken = operations["users-createToken"].body.properties;
const usernameRule: SchemaRule = operations["users-createServiceAccount"].body.properties.username;
const tokenNameRule: SchemaRule = createToken.name;

/** A token spec: the create body's own rules for the fields it shares, and a non-negative `renewBefore`. */
const tokenSpecRule: SchemaRule = {
  type: "object",
  properties: {
    token_type: createToken.token_type,
    ttl: createToken.ttl,
    description: createToken.description,
    renewBefore: { type: "number", minimum: 0 },
  },
};
const TENANT_FIELDS = ["serviceAccount", "ducklings", "tokens"] as const;
const TOKEN_FIELDS = Object.keys(tokenSpecRule.properties!);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An issue for each key of `value` that `known` does not list, naming the nearest known one. */
function unknownFields(value: Record<string, unknown>, known: readonly string[], path: string, what: string): Issue[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const suggestion = nearestName(key, known);
      const hint = suggestion ? ` (did you mean ${suggestion}?)` : "";
      return { path: `${path}.${key}`, message: `is not a field of ${what}${hint}; known: ${known.join(", ")}` };
    });
}

/** A username a service account can have, by the create call's own rule and the path rule (S6). */
export function serviceAccountIssues(value: unknown, path: string): Issue[] {
  const segment = checkPathSegment(value, path);
  return segment.length ? segment : checkValue(usernameRule, value, path, "reject");
}

function tokenIssues(name: string, spec: unknown, path: string): Issue[] {
  const issues = TOKEN_NAME.test(name)
    ? checkValue(tokenNameRule, name, path, "reject")
    : [{ path, message: "is not a token name a store can key: use letters, digits, _, - or ., not starting with ." }];
  if (!isObject(spec)) return [...issues, { path, message: "must be an object (a token spec)" }];
  issues.push(...unknownFields(spec, TOKEN_FIELDS, path, "a token spec"));
  issues.push(...checkValue(tokenSpecRule, spec, path));
  const { ttl, renewBefore } = spec;
  if (typeof ttl === "number" && typeof renewBefore === "number" && renewBefore >= ttl) {
    issues.push({ path: `${path}.renewBefore`, message: `must be less than ttl (${ttl}), or every run would renew` });
  }
  return issues;
}

/** Every problem of one tenant's spec; paths start at `path` (`tenants[3]`). */
export function tenantIssues(spec: unknown, path: string): Issue[] {
  if (!isObject(spec)) return [{ path, message: "must be an object (a tenant spec)" }];
  const issues = unknownFields(spec, TENANT_FIELDS, path, "a tenant");
  if (spec.serviceAccount === undefined) issues.push({ path: `${path}.serviceAccount`, message: "is required" });
  else issues.push(...serviceAccountIssues(spec.serviceAccount, `${path}.serviceAccount`));
  if (spec.ducklings !== undefined) {
    const where = `${path}.ducklings`;
    if (!isObject(spec.ducklings)) issues.push({ path: where, message: "must be an object" });
    else {
      issues.push(...checkValue(changeRule as SchemaRule, spec.ducklings, where, "reject"));
      issues.push(...pulseCooldownIssues(spec.ducklings, where));
    }
  }
  if (spec.tokens !== undefined) {
    if (!isObject(spec.tokens)) issues.push({ path: `${path}.tokens`, message: "must be an object, by token name" });
    else {
      for (const [name, token] of Object.entries(spec.tokens)) {
        issues.push(...tokenIssues(name, token, `${path}.tokens.${name}`));
      }
    }
  }
  return issues;
}

/** How a tenant is named in a message: its account when it has a readable one, else its place in the batch. */
function tenantLabel(spec: unknown, index: number): string {
  const account = isObject(spec) ? spec.serviceAccount : undefined;
  return typeof account === "string" ? `${JSON.stringify(account)} (tenants[${index}])` : `tenants[${index}]`;
}

/** Issues of an account named by more than one tenant. */
function duplicateIssues(specs: unknown[]): Issue[] {
  const first = new Map<string, number>();
  const issues: Issue[] = [];
  specs.forEach((spec, index) => {
    const account = isObject(spec) ? spec.serviceAccount : undefined;
    if (typeof account !== "string") return;
    // MotherDuck holds "t_acme" and "T_ACME" to be one account.
    const earlier = first.get(foldUsername(account));
    if (earlier === undefined) first.set(foldUsername(account), index);
    else {
      issues.push({
        path: `tenants[${index}].serviceAccount`,
        message: `names ${JSON.stringify(account)} again (also tenants[${earlier}]): an account is declared once`,
      });
    }
  });
  return issues;
}

function readOnce(value: unknown): unknown {
  try {
    return plain(value);
  } catch {
    throw new ValidationError([{ path: "tenants", message: "could not be read: too deep, or a getter threw" }]);
  }
}

/**
 * The specs, read once into plain data and checked as a whole. Throws one ValidationError listing every
 * problem, each naming the tenant (its account and its place) and the field; nothing has been sent.
 */
export function validateSpecs(given: unknown): TenantSpec[] {
  const specs = readOnce(given);
  if (!Array.isArray(specs))
    throw new ValidationError([{ path: "tenants", message: "must be an array of tenant specs" }]);
  const issues = [
    ...specs.flatMap((spec, index) => tenantIssues(spec, `tenants[${index}]`)),
    ...duplicateIssues(specs),
  ];
  if (issues.length) {
    const lines = issues.map((issue) => {
      const index = Number(/^tenants\[(\d+)\]/.exec(issue.path)?.[1]);
      const label = Number.isNaN(index) ? "tenants" : tenantLabel(specs[index], index);
      return `${label}: ${issue.path.replace(/^tenants\[\d+\]\.?/, "") || "(the spec)"} ${issue.message}`;
    });
    throw new ValidationError(issues, `Invalid tenants: ${lines.join("; ")}`);
  }
  return specs as TenantSpec[];
}

/** The usernames given to `remove`, checked as service-account usernames, each at most once (whatever its case). */
export function validateAccounts(given: unknown): string[] {
  const accounts = readOnce(given);
  if (!Array.isArray(accounts)) {
    throw new ValidationError([{ path: "serviceAccounts", message: "must be an array of usernames" }]);
  }
  const issues = accounts.flatMap((account, index) => serviceAccountIssues(account, `serviceAccounts[${index}]`));
  if (issues.length) throw new ValidationError(issues);
  return distinctUsernames(accounts as string[]);
}
