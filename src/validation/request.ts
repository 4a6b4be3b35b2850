import type { Issue, SchemaRule } from "./schema.js";
import { checkValue } from "./schema.js";
import { checkPathSegment } from "./path-segment.js";

/** The part of a generated operation rule that request validation reads. */
export interface RequestRules {
  readonly pathParams: { readonly [name: string]: SchemaRule };
  readonly queryParams?: { readonly [name: string]: SchemaRule };
  readonly queryRequired?: readonly string[];
  readonly body?: SchemaRule;
  readonly bodyRequired?: boolean;
}

export interface RequestInput {
  path: Record<string, unknown>;
  /** Query parameters by name; a parameter left undefined is not sent. */
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * Every problem with a request, checked against the spec's rules: each path parameter as a hardened
 * path segment (S6) and against its schema, the query parameters, then the JSON body. Returns all issues at once.
 * `bodyPath` is how issues name the body: "body" unless a call's argument is one field of it ("" then names
 * that field first, as `config.read_scaling`).
 */
export function checkRequest(
  rules: RequestRules,
  input: RequestInput,
  unknownProperties: "reject" | "allow",
  bodyPath = "body",
): Issue[] {
  const issues: Issue[] = [];
  for (const [name, rule] of Object.entries(rules.pathParams)) {
    const value = input.path[name];
    const segmentIssues = checkPathSegment(value, name);
    issues.push(...(segmentIssues.length ? segmentIssues : checkValue(rule, value, name, unknownProperties)));
  }
  // The query parameters are checked as the fields of an object, which they are in openapi-fetch's call.
  const query: SchemaRule = { properties: rules.queryParams ?? {}, required: rules.queryRequired ?? [] };
  issues.push(...checkValue(query, input.query ?? {}, "", unknownProperties));
  if (rules.body) {
    if (input.body === undefined) {
      if (rules.bodyRequired) issues.push({ path: bodyPath || "body", message: "is required" });
    } else {
      issues.push(...checkValue(rules.body, input.body, bodyPath, unknownProperties));
    }
  }
  return issues;
}
