// A call's input, read once into plain data before it is checked and sent: a getter then runs once, so what
// was checked is what is sent, and a getter or proxy that throws is caught in one place.

import { ValidationError } from "../errors.js";
import { isPlainObject } from "./schema.js";

/** How deep an input is copied; JSON bodies are far shallower, and deeper input is refused, not followed. */
export const MAX_INPUT_DEPTH = 512;

/**
 * Plain objects and arrays copied, each own enumerable property read once into a null-prototype object; any
 * other value as it is, so that the validator can refuse a Date, a Map or a class instance by name.
 */
export function plain(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_INPUT_DEPTH) {
    throw new ValidationError([{ path: "arguments", message: `are nested more than ${MAX_INPUT_DEPTH} levels deep` }]);
  }
  if (Array.isArray(value)) return Array.from(value, (item: unknown) => plain(item, depth + 1));
  if (!isPlainObject(value)) return value;
  // A null prototype has no `__proto__` setter: a "__proto__" key (JSON.parse makes one) is copied as data.
  const copy: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(value)) copy[key] = plain((value as Record<string, unknown>)[key], depth + 1);
  return copy;
}
