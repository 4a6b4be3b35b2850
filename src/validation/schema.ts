// Enforces the subset of JSON Schema that scripts/generate.mjs emits into src/generated/rules.ts.
// The generator refuses any keyword this file does not know, so the two stay in step.

/** One problem found in an input, with the field it concerns (`body.ttl`, `username`). */
export interface Issue {
  path: string;
  message: string;
}

export interface SchemaRule {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  /** The pattern in words, from the spec's `x-pattern-message`. */
  readonly patternMessage?: string;
  readonly properties?: { readonly [name: string]: SchemaRule };
  readonly required?: readonly string[];
  readonly items?: SchemaRule;
  readonly allOf?: readonly SchemaRule[];
  /** OpenAPI 3.0: null is allowed as well as the type. */
  readonly nullable?: boolean;
  /** The value must not satisfy this rule. */
  readonly not?: SchemaRule;
  /** Why `not` refuses a value, from the spec's `x-not-message` ("a reserved name"). */
  readonly notMessage?: string;
  /** Fields `properties` does not name: allowed (true), refused (false), or checked against a rule. */
  readonly additionalProperties?: boolean | SchemaRule;
  /** At most this many UTF-8 bytes as compact JSON, from the spec's `x-max-json-bytes`. */
  readonly maxJsonBytes?: number;
}

/**
 * What a check does with fields a schema does not name. "reject" reports them: the client uses it for request
 * bodies, where a misspelt optional field (`tll` for `ttl`) would otherwise be dropped by the server and silently
 * mint a token that never expires. "allow" is JSON Schema's own behaviour, for responses and the emulator.
 */
export type UnknownProperties = "reject" | "allow";

const compiledPatterns = new Map<string, RegExp>();

// The spec's patterns use \p{L}, which only means "any letter" in Unicode mode.
const compiled = (pattern: string): RegExp =>
  compiledPatterns.get(pattern) ?? compiledPatterns.set(pattern, new RegExp(pattern, "u")).get(pattern)!;

/** JSON Schema counts string length in code points, not UTF-16 units; a string iterates by code point. */
const codePointLength = (value: string): number => Array.from(value).length;

/** A JSON object: an object literal or a parsed one, not an array, a Date, a Map or another class's instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

let encoder: InstanceType<typeof TextEncoder> | undefined;
/** UTF-8 bytes of a string; a lone surrogate counts as U+FFFD, as encoders send it. */
function utf8Length(text: string): number {
  return (encoder ??= new TextEncoder()).encode(text).length;
}

/**
 * Whether a value is plain JSON data: plain objects, arrays, strings, finite numbers, booleans and null (and
 * undefined, which JSON leaves out). A function is not, a `toJSON` method among them, which would replace the
 * value when it is sent; nor is a Date, a Map or another class's instance.
 */
function isJsonData(value: unknown): boolean {
  const type = typeof value;
  if (type === "number") return Number.isFinite(value);
  if (type !== "object" || value === null) return type === "string" || type === "boolean" || value == null;
  return (Array.isArray(value) || isPlainObject(value)) && Object.values(value as object).every(isJsonData);
}

/**
 * The value's compact JSON encoding, or why it has none. Once isJsonData holds, JSON.stringify cannot throw: the
 * value holds only plain objects, arrays and JSON's own primitives, read once into plain data.
 */
function compactJson(value: unknown): { text: string } | { problem: string } {
  const text = isJsonData(value) ? JSON.stringify(value) : undefined;
  return text === undefined
    ? { problem: "must be JSON data: plain objects, arrays, strings, finite numbers, booleans and null" }
    : { text };
}

const typeChecks: Record<string, { test: (value: unknown) => boolean; message: string }> = {
  string: { test: (v) => typeof v === "string", message: "must be a string" },
  number: { test: (v) => typeof v === "number" && Number.isFinite(v), message: "must be a finite number" },
  // Beyond 2^53 a number is no longer exact, and JSON would send it as 1e+21.
  integer: { test: (v) => typeof v === "number" && Number.isSafeInteger(v), message: "must be an integer" },
  boolean: { test: (v) => typeof v === "boolean", message: "must be a boolean" },
  object: { test: isPlainObject, message: "must be a plain JSON object" },
  array: { test: Array.isArray, message: "must be an array" },
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * Checks `value` against `rule` and returns every problem found; an empty list means valid.
 * A value of the wrong type gets one issue, not one per keyword that could not apply to it.
 */
export function checkValue(
  rule: SchemaRule,
  value: unknown,
  path: string,
  unknownProperties: UnknownProperties = "allow",
): Issue[] {
  const issues: Issue[] = [];
  // Each problem is found once: the generator gives allOf parts no check in common.
  collect(rule, value, path, unknownProperties, issues);
  return issues;
}

function collect(
  rule: SchemaRule,
  value: unknown,
  path: string,
  unknownProperties: UnknownProperties,
  issues: Issue[],
): void {
  if (value === null && rule.nullable) return;
  if (rule.allOf) {
    for (const part of rule.allOf) collect(part, value, path, unknownProperties, issues);
  }
  if (rule.type !== undefined) {
    const check = typeChecks[rule.type];
    if (!check) throw new Error(`unsupported schema type ${rule.type}`);
    if (!check.test(value)) {
      issues.push({ path, message: check.message });
      return;
    }
  }
  if (rule.enum && !rule.enum.includes(value)) {
    issues.push({ path, message: `must be one of ${rule.enum.map((v) => JSON.stringify(v)).join(", ")}` });
  }
  if (typeof value === "number") {
    if (rule.minimum !== undefined && !(value >= rule.minimum)) {
      issues.push({ path, message: `must be at least ${rule.minimum}` });
    }
    if (rule.maximum !== undefined && !(value <= rule.maximum)) {
      issues.push({ path, message: `must be at most ${rule.maximum}` });
    }
  }
  if (typeof value === "string") {
    // UTF-16 length bounds the code-point length from both sides, so most strings skip the count.
    if (rule.minLength !== undefined && value.length < 2 * rule.minLength && codePointLength(value) < rule.minLength) {
      issues.push({ path, message: `must be at least ${plural(rule.minLength, "character")} long` });
    }
    if (rule.maxLength !== undefined && value.length > rule.maxLength && codePointLength(value) > rule.maxLength) {
      issues.push({ path, message: `must be at most ${plural(rule.maxLength, "character")} long` });
    }
    if (rule.pattern !== undefined && !compiled(rule.pattern).test(value)) {
      issues.push({ path, message: rule.patternMessage ?? `must match the pattern ${rule.pattern}` });
    }
  }
  if (rule.not) checkNot(rule, rule.not, value, path, issues);
  if (rule.maxJsonBytes !== undefined) {
    const json = compactJson(value);
    if ("problem" in json) issues.push({ path, message: json.problem });
    else if (utf8Length(json.text) > rule.maxJsonBytes) {
      issues.push({ path, message: `must be at most ${rule.maxJsonBytes} bytes as compact JSON (UTF-8)` });
    }
  }
  if (isPlainObject(value)) {
    for (const name of rule.required ?? []) {
      if (value[name] === undefined) issues.push({ path: join(path, name), message: "is required" });
    }
    if (rule.properties || rule.additionalProperties !== undefined) {
      const properties = rule.properties ?? {};
      for (const name of Object.keys(value)) {
        const field = value[name];
        const sub = Object.hasOwn(properties, name) ? properties[name] : undefined;
        if (sub) {
          if (field !== undefined) collect(sub, field, join(path, name), unknownProperties, issues);
        } else if (field === undefined || rule.additionalProperties === true) {
          continue;
        } else if (typeof rule.additionalProperties === "object") {
          collect(rule.additionalProperties, field, join(path, name), unknownProperties, issues);
        } else if (unknownProperties === "reject" || rule.additionalProperties === false) {
          issues.push({
            path: join(path, name),
            message: `is not a field of this request (known fields: ${Object.keys(properties).join(", ") || "none"})`,
          });
        }
      }
    }
  }
  if (Array.isArray(value) && rule.items) {
    value.forEach((item, index) => collect(rule.items!, item, `${path}[${index}]`, unknownProperties, issues));
  }
}

/** `not`: the value must fail `forbidden`. Its message names what was refused, in the spec's words if given. */
function checkNot(rule: SchemaRule, forbidden: SchemaRule, value: unknown, path: string, issues: Issue[]): void {
  const found: Issue[] = [];
  collect(forbidden, value, path, "allow", found);
  if (found.length) return;
  const why = rule.notMessage ? ` (${rule.notMessage})` : "";
  if (forbidden.enum) issues.push({ path, message: `must not be ${JSON.stringify(value)}${why}` });
  else if (forbidden.required)
    issues.push({ path, message: `must not set ${forbidden.required.join(" and ")} together${why}` });
  else issues.push({ path, message: `must not match ${JSON.stringify(forbidden)}${why}` });
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
