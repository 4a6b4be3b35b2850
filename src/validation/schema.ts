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
  readonly default?: unknown;
}

export interface CheckOptions {
  /**
   * "reject" reports fields the schema does not name. The client uses it for request bodies, where a
   * misspelt optional field (`tll` for `ttl`) would otherwise be dropped by the server and silently mint
   * a token that never expires. "allow" is JSON Schema's own behaviour, for responses and the emulator.
   */
  unknownProperties: "reject" | "allow";
}

const compiledPatterns = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let regex = compiledPatterns.get(pattern);
  if (!regex) {
    // The spec's patterns use \p{L}, which only means "any letter" in Unicode mode.
    regex = new RegExp(pattern, "u");
    compiledPatterns.set(pattern, regex);
  }
  return regex;
}

/** JSON Schema counts string length in code points, not UTF-16 units. */
function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const typeChecks: Record<string, { test: (value: unknown) => boolean; message: string }> = {
  string: { test: (v) => typeof v === "string", message: "must be a string" },
  number: { test: (v) => typeof v === "number" && Number.isFinite(v), message: "must be a finite number" },
  integer: { test: (v) => typeof v === "number" && Number.isInteger(v), message: "must be an integer" },
  boolean: { test: (v) => typeof v === "boolean", message: "must be a boolean" },
  object: { test: isPlainObject, message: "must be an object" },
  array: { test: Array.isArray, message: "must be an array" },
};

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function describe(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Checks `value` against `rule` and returns every problem found; an empty list means valid.
 * A value of the wrong type gets one issue, not one per keyword that could not apply to it.
 */
export function checkValue(rule: SchemaRule, value: unknown, path: string, options: CheckOptions): Issue[] {
  const issues: Issue[] = [];
  collect(rule, value, path, options, issues);
  if (issues.length < 2) return issues;
  // allOf parts may find the same problem (both say "must be a string"); report it once.
  return issues.filter((a, i) => issues.findIndex((b) => b.path === a.path && b.message === a.message) === i);
}

function collect(rule: SchemaRule, value: unknown, path: string, options: CheckOptions, issues: Issue[]): void {
  if (rule.allOf) {
    for (const part of rule.allOf) collect(part, value, path, options, issues);
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
    issues.push({ path, message: `must be one of ${rule.enum.map(describe).join(", ")}` });
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
  if (isPlainObject(value)) {
    for (const name of rule.required ?? []) {
      if (value[name] === undefined) issues.push({ path: join(path, name), message: "is required" });
    }
    const properties = rule.properties;
    if (properties) {
      for (const name of Object.keys(value)) {
        const field = value[name];
        const sub = Object.hasOwn(properties, name) ? properties[name] : undefined;
        if (sub) {
          if (field !== undefined) collect(sub, field, join(path, name), options, issues);
        } else if (options.unknownProperties === "reject" && field !== undefined) {
          issues.push({
            path: join(path, name),
            message: `is not a field of this request (known fields: ${Object.keys(properties).join(", ")})`,
          });
        }
      }
    }
  }
  if (Array.isArray(value) && rule.items) {
    value.forEach((item, index) => collect(rule.items!, item, `${path}[${index}]`, options, issues));
  }
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
