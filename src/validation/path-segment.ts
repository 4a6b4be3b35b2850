import type { Issue } from "./schema.js";

/**
 * Rule S6: a path parameter is sent exactly as given, as one encoded segment. Values that cannot be one
 * segment are refused here rather than altered: no trimming and no case folding, since the API keys
 * tokens on the exact username.
 */
export function checkPathSegment(value: unknown, path: string): Issue[] {
  if (typeof value !== "string") return [{ path, message: "must be a string" }];
  if (value.length === 0) return [{ path, message: "must not be empty" }];
  if (value === "." || value === "..") {
    return [{ path, message: `must not be "${value}", which URLs resolve as a relative path` }];
  }
  // A lone surrogate has no UTF-8 encoding, so it could never reach the server as itself.
  if (!value.isWellFormed()) return [{ path, message: "must be well-formed Unicode (no lone surrogate)" }];
  return [];
}
