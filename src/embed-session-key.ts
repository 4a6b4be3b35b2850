// The key a session is stored under: a hash of everything that makes two requests mint different sessions.
import { ValidationError } from "./errors.js";

/** Prefix of every key, with a version: a change in how keys are made must not read old entries. */
export const EMBED_SESSION_KEY_PREFIX = "embed-session:v1:";

/** Objects with their keys sorted, so that `{ a, b }` and `{ b, a }` are one request. Arrays keep their order. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, record[key]]),
  );
}

/**
 * The text a key is hashed from: the API's base URL (staging and production never share), the Dive, and every
 * field of the body. Fields left undefined are left out, as they are when the body is sent.
 */
export function embedSessionKeyMaterial(baseUrl: string, diveId: unknown, body: unknown): string {
  try {
    return JSON.stringify([baseUrl, diveId, body], sortedKeys);
  } catch {
    // A cycle, a BigInt or a throwing getter: no request could be sent from it either.
    throw new ValidationError([{ path: "body", message: "must be plain JSON: a cycle, a BigInt or a getter threw" }]);
  }
}

/** The key: a SHA-256 of the material, so the store holds neither the customer's fields nor the session. */
export async function embedSessionKey(material: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(material));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  return EMBED_SESSION_KEY_PREFIX + hex;
}
