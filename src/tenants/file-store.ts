// Secrets as files: `<dir>/<serviceAccount>/<token name>.json`, readable by the owner only, each written
// whole or not at all (a temporary file, flushed to disk, then renamed over the old one).
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { chmod, lstat, mkdir, open, readdir, rename, rmdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { LOCK_FILE, tryFileLock } from "./file-lock.js";
import { SecretStoreError } from "./store-error.js";
import { readStoredSecret } from "./stored-secret.js";
import type { SecretStore, StoredSecret } from "./types.js";

const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;
const SUFFIX = ".json";
const TEMPORARY = ".tmp";
// Refused for the folder given: anyone on the machine could plant entries in it.
const WRITABLE_BY_OTHERS = 0o002;
// Reading a secret file never follows a link planted in its place.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

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

/** Why an entry of the store cannot be used as a tenant's folder (a link, a file, another user's), if so. */
export function folderProblem(info: {
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  uid: number;
}): string | undefined {
  if (info.isSymbolicLink()) return "is a symbolic link; the store never follows one";
  if (!info.isDirectory()) return "is not a folder";
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return "belongs to another user";
  return undefined;
}

/**
 * The tenant folder at `path` as it is, never followed: true when it is a folder of this user's, false when
 * there is none, a SecretStoreError naming it otherwise.
 */
async function checkTenantFolder(path: string, key: string): Promise<boolean> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if (isMissing(error)) return false;
    throw new SecretStoreError(`the secrets folder ${path} cannot be read`, key, path, { cause: error });
  }
  const problem = folderProblem(info);
  if (problem !== undefined)
    throw new SecretStoreError(`the secrets folder ${path} ${problem}; it is refused`, key, path);
  return true;
}

/**
 * Creates the store's own folder (mode 0700) when it is missing. One that exists keeps its mode: a folder
 * anyone may write to (such as /tmp) is refused rather than changed.
 */
async function ensureRoot(dir: string, key: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: FOLDER_MODE });
  // mkdir's mode passes through the umask; only a folder made here is set to 0700.
  if (created !== undefined) await chmod(dir, FOLDER_MODE);
  const info = await stat(dir);
  if (!info.isDirectory()) throw new SecretStoreError(`the secrets folder ${dir} is not a folder`, key, dir);
  if (info.mode & WRITABLE_BY_OTHERS) {
    const mode = (info.mode & 0o7777).toString(8);
    throw new SecretStoreError(
      `the secrets folder ${dir} may be written by any user (mode ${mode}); give a folder only you can write to`,
      key,
      dir,
    );
  }
}

/** The tenant's folder, made (0700) when missing; one that is a link, a file or another user's is refused. */
async function ensureTenantFolder(dir: string, path: string, key: string): Promise<void> {
  await ensureRoot(dir, key);
  if (await checkTenantFolder(path, key)) return;
  try {
    await mkdir(path, { mode: FOLDER_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // Made here or by a run beside this one: either way it is checked again, then made private.
  await checkTenantFolder(path, key);
  await chmod(path, FOLDER_MODE);
}

/** Refuses a secret file that is a link: it would put a secret wherever the link points. */
async function refuseLinkedFile(path: string, key: string): Promise<void> {
  const info = await lstat(path).catch((error) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (info && !info.isFile()) {
    const what = info.isSymbolicLink() ? "is a symbolic link; the store never follows one" : "is not a file";
    throw new SecretStoreError(`the secret file ${path} ${what}; it is refused`, key, path);
  }
}

async function readNoFollow(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
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
 * SecretStoreError, and so is a tenant folder or secret file that is a symbolic link (never followed), and a
 * `dir` that any user may write to (its mode is never changed; a missing one is created 0700). A file that
 * cannot be read as a secret is a SecretStoreError naming the file: it is never overwritten, so move it away
 * (or delete it) and the next `apply` mints a new token in its place.
 *
 * Its tenant locks hold across processes: a `.lock` file in the tenant's folder names the holder (pid, host,
 * time) and is taken over only when that process is gone from this host, or after 15 minutes.
 */
export function fileSecretStore(dir: string): SecretStore {
  if (typeof dir !== "string" || dir === "") throw new TypeError("fileSecretStore takes the path of a folder");
  const pathOf = (key: string) => {
    const { folder, file } = keyParts(key);
    return { folder: join(dir, folder), path: join(dir, folder, file) };
  };
  return {
    async get(key) {
      const { folder, path } = pathOf(key);
      if (!(await checkTenantFolder(folder, key))) return undefined;
      let text: string;
      try {
        text = await readNoFollow(path);
      } catch (error) {
        if (isMissing(error)) return undefined;
        if ((error as NodeJS.ErrnoException).code === "ELOOP") await refuseLinkedFile(path, key);
        throw new SecretStoreError(`the secret file ${path} cannot be read`, key, path, { cause: error });
      }
      return readStoredSecret(text, key, path);
    },
    async set(key, value: StoredSecret) {
      const { folder, path } = pathOf(key);
      await ensureTenantFolder(dir, folder, key);
      await refuseLinkedFile(path, key);
      await writeAtomically(folder, path, JSON.stringify(value, null, 2) + "\n");
    },
    async delete(key) {
      const { folder, path } = pathOf(key);
      if (!(await checkTenantFolder(folder, key))) return;
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
        const path = join(dir, folder);
        let files: string[];
        try {
          if (!(await checkTenantFolder(path, `${folder}/`))) continue; // removed meanwhile
          files = await readdir(path);
        } catch (error) {
          // A link where the asked tenant's folder should be is refused; anything else beside them is not ours.
          if (error instanceof SecretStoreError && prefix.startsWith(`${folder}/`)) throw error;
          continue;
        }
        for (const file of files) {
          if (!file.endsWith(SUFFIX)) continue;
          const key = `${folder}/${file.slice(0, -SUFFIX.length)}`;
          if (key.startsWith(prefix) && unsafePart(file) === undefined) keys.push(key);
        }
      }
      return keys.sort();
    },
    async lock(serviceAccount) {
      const key = `${serviceAccount}/${LOCK_FILE}`;
      const problem = unsafePart(serviceAccount);
      if (problem !== undefined) {
        throw new SecretStoreError(`a tenant named ${JSON.stringify(serviceAccount)} ${problem}; it is refused`, key);
      }
      const folder = join(dir, serviceAccount);
      for (let attempt = 0; ; attempt++) {
        await ensureTenantFolder(dir, folder, key);
        try {
          const release = await tryFileLock(join(folder, LOCK_FILE));
          if (!release) return undefined;
          return async () => {
            await release();
            // A folder made only to hold the lock goes with it; one holding secrets stays.
            await rmdir(folder).catch(() => undefined);
          };
        } catch (error) {
          // The folder was removed (an empty one, by a run letting go) between making and locking it.
          if (!isMissing(error) || attempt >= 2) throw error;
        }
      }
    },
  };
}
