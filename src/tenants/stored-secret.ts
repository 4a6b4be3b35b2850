// Reading a kept secret back: a value of the wrong shape is a clear error naming where it was, never a guess.
import { SecretStoreError } from "./store-error.js";
import type { StoredSecret } from "./types.js";

const STRING_FIELDS = ["id", "name", "token", "token_type", "created_ts"] as const;

/** What is wrong with a stored value, or undefined when it is a StoredSecret. */
export function storedSecretProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "is not a JSON object";
  const record = value as Record<string, unknown>;
  const missing = STRING_FIELDS.filter((field) => typeof record[field] !== "string" || record[field] === "");
  if (missing.length) return `lacks ${missing.join(", ")}`;
  if (record.expire_at !== null && typeof record.expire_at !== "string")
    return "has an expire_at that is not a string or null";
  if (record.description !== undefined && typeof record.description !== "string")
    return "has a description that is not a string";
  return undefined;
}

/** The StoredSecret in `text`, or a SecretStoreError naming `where` (the file) and what is wrong. */
export function readStoredSecret(text: string, key: string, where: string): StoredSecret {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const problem = value === undefined ? "is not JSON" : storedSecretProblem(value);
  if (problem !== undefined) {
    throw new SecretStoreError(
      `the secret file ${where} ${problem}; it was left as it is. Move it away and apply again to mint a new token in its place`,
      key,
      where,
    );
  }
  return value as StoredSecret;
}
