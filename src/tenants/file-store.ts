// Secrets as files: `<dir>/<serviceAccount>/<token name>.json`, readable by the owner only, each written
// whole or not at all (a temporary file, flushed to disk, then renamed over the old one).
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readdir, readFile, rename, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SecretStoreError } from "./store-error.js";
import { readStoredSecret } from "./stored-secret.js";
import type { SecretStore, StoredSecret } from "./types.js";

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;
const SUFFIX = ".json";
const TEMPORARY = ".tmp";

/** Why one part of a key cannot be a file or folder name inside the store's folder, if it cannot. */
function unsafePart(part: string): string | undefined {
  if (part === "") return "is empty";
  if (part.startsWith(".")) return 'starts with "." (a hidden or relative name)';
  if (/[/\\\0]/.test(part)) return "holds a path separator or a NUL";
  return undefined;
}

/** The two parts of a key, or a SecretStoreError for a key that would not stay one file deep in the folder. */
export function keyParts(key: string): { folder: string; file: string } {
  const parts = typeof key === "string" ? key.split("/") : [];
  const problem =
    parts.length !== 2
      ? "must be <serviceAccount>/<token name>"
      : parts.map(unsafePart).find((found) => found !== undefined);
  if (problem !== undefined) {
    throw new SecretStoreError(`secret store key ${JSON.stringify(key)} ${problem}; it is refused`, String(key));
  }
  return { folder: parts[0]!, file: parts[1]! + SUFFIX };
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

async function ensureFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: FOLDER_MODE });
  // mkdir leaves a folder that was already there as it was, and its mode passes through the umask.
  await chmod(path, FOLDER_MODE);
}

/** Writes `text` to `path` whole or not at all: a private temporary file, flushed, then renamed over `path`. */
async function writeAtomically(folder: string, path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}${TEMPORARY}`;
  const handle = await open(temporary, "wx", FILE_MODE);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  // The rename itself is durable only once the folder is flushed too.
  const directory = await open(folder, "r");
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/**
 * A store that keeps each secret in its own file, `<dir>/<serviceAccount>/<token name>.json`: mode 0600, in
 * folders of mode 0700, each written whole or not at all. A key that would leave `dir` is refused with a
 * SecretStoreError. A file that cannot be read as a secret is a SecretStoreError naming the file: it is never
 * overwritten, so move it away (or delete it) and the next `apply` mints a new token in its place.
 */
export function fileSecretStore(dir: string): SecretStore {
  if (typeof dir !== "string" || dir === "") throw new TypeError("fileSecretStore takes the path of a folder");
  const pathOf = (key: string) => {
    const { folder, file } = keyParts(key);
    return { folder: join(dir, folder), path: join(dir, folder, file) };
  };
  return {
    async get(key) {
      const { path } = pathOf(key);
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw new SecretStoreError(`the secret file ${path} cannot be read`, key, path, { cause: error });
      }
      return readStoredSecret(text, key, path);
    },
    async set(key, value: StoredSecret) {
      const { folder, path } = pathOf(key);
      await ensureFolder(dir);
      await ensureFolder(folder);
      await writeAtomically(folder, path, JSON.stringify(value, null, 2) + "\n");
    },
    async delete(key) {
      const { folder, path } = pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      // An empty tenant folder goes too; one still holding something stays.
      await rmdir(folder).catch(() => undefined);
    },
    async keys(prefix) {
      let folders: string[];
      try {
        folders = await readdir(dir);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      const keys: string[] = [];
      for (const folder of folders) {
        if (unsafePart(folder) !== undefined || !(`${folder}/`.startsWith(prefix) || prefix.startsWith(`${folder}/`)))
          continue;
        let files: string[];
        try {
          files = await readdir(join(dir, folder));
        } catch {
          continue; // a plain file beside the tenant folders, or one removed meanwhile
        }
        for (const file of files) {
          if (!file.endsWith(SUFFIX)) continue;
          const key = `${folder}/${file.slice(0, -SUFFIX.length)}`;
          if (key.startsWith(prefix) && unsafePart(file) === undefined) keys.push(key);
        }
      }
      return keys.sort();
    },
  };
}
