// A secret store in this process's memory: for tests, and for apps that keep secrets elsewhere themselves.
import { inProcessLocks } from "./lock.js";
import type { SecretStore, StoredSecret } from "./types.js";

/**
 * A store that keeps secrets in memory only; they are gone when the process ends. Values are copied in and out.
 * Its tenant locks hold within this process.
 */
export function memorySecretStore(): SecretStore {
  const secrets = new Map<string, StoredSecret>();
  const lock = inProcessLocks();
  return {
    lock,
    async get(key) {
      const value = secrets.get(key);
      return value && { ...value };
    },
    async set(key, value) {
      secrets.set(key, { ...value });
    },
    async delete(key) {
      secrets.delete(key);
    },
    async keys(prefix) {
      return [...secrets.keys()].filter((key) => key.startsWith(prefix));
    },
  };
}
