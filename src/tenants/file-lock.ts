// A tenant's lock across processes, for the file store: a file created whole or not at all in the tenant's
// folder, naming its holder (pid, host, time). A lock whose holder is provably gone is taken over.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, open, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { hostname } from "node:os";
import type { ReleaseLock } from "./lock.js";

/** The lock's file name: it starts with "." so that no store key can name it. */
export const LOCK_FILE = ".lock";

/** How old a lock may grow before it is taken over even when its holder cannot be checked (another host). */
export const STALE_AFTER_MS = 15 * 60_000;

/** What a lock file holds. `nonce` tells one holding apart from the next of the same process. */
export interface LockHolder {
  pid: number;
  host: string;
  time: string;
  nonce: string;
}

/** The holder a lock file's text names, or undefined for text that is not one. */
export function readHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    const whole =
      Number.isInteger(value.pid) &&
      typeof value.host === "string" &&
      typeof value.time === "string" &&
      typeof value.nonce === "string";
    return whole ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock may be taken over: its holder was a process on this host that is gone (or this very process,
 * which does not hold it), or it is older than STALE_AFTER_MS. `writtenMs` is the file's own time, for a lock
 * whose text names no holder.
 */
export function isStale(
  holder: LockHolder | undefined,
  writtenMs: number,
  here: { host: string; pid: number; nowMs: number; alive(pid: number): boolean; heldHere(nonce: string): boolean },
): boolean {
  const since = holder ? Date.parse(holder.time) : writtenMs;
  if (!(here.nowMs - (Number.isNaN(since) ? writtenMs : since) < STALE_AFTER_MS)) return true;
  if (!holder || holder.host !== here.host) return false;
  if (holder.pid === here.pid) return !here.heldHere(holder.nonce);
  return !here.alive(holder.pid);
}

/** Whether a process of this host is running (one we may not signal is running too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const heldHere = new Set<string>();

async function holderAt(
  path: string,
): Promise<{ text: string; holder: LockHolder | undefined; writtenMs: number } | undefined> {
  try {
    const handle = await open(path, constants.O_RDONLY | NO_FOLLOW);
    try {
      const [text, info] = await Promise.all([handle.readFile("utf8"), handle.stat()]);
      return { text, holder: readHolder(text), writtenMs: info.mtimeMs };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Creates `path` holding `text`, whole or not at all: written to a private file first, then linked into
 * place, which fails when `path` exists. Resolves false when another holds it.
 */
async function createWhole(path: string, text: string): Promise<boolean> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, text, { mode: 0o600, flag: "wx" });
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside and deletes it, if it is still the one judged stale (same text); one that another
 * process took over meanwhile is linked back in place. Resolves whether the stale one is gone.
 */
async function takeOver(path: string, judged: string): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString("hex")}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
  const text = await readFile(aside, "utf8").catch(() => "");
  if (text !== judged) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return text === judged;
}

/**
 * Deletes what killed runs left beside the lock at `path`: a half-made or moved-aside lock file, and a secret's
 * temporary file (`*.tmp`) that a run killed while writing it never renamed into place, which may hold a secret.
 * Called by the holder only: secrets are written under the lock, so no temporary file there is in the making,
 * and another run's lock file in the making fails to link, and that run waits as it would anyway.
 */
async function clearLeftovers(path: string): Promise<void> {
  const folder = dirname(path);
  const leftover = `${basename(path)}.`;
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(leftover) || name.endsWith(".tmp")) await unlink(join(folder, name)).catch(() => undefined);
  }
}

/** Takes the lock at `path` (in a tenant folder that exists), or resolves undefined while a live run holds it. */
export async function tryFileLock(path: string): Promise<ReleaseLock | undefined> {
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    time: new Date().toISOString(),
    nonce: randomBytes(9).toString("hex"),
  };
  const text = JSON.stringify(holder);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await createWhole(path, text)) {
      heldHere.add(holder.nonce);
      await clearLeftovers(path);
      return async () => {
        heldHere.delete(holder.nonce);
        const current = await holderAt(path);
        if (current?.holder?.nonce === holder.nonce) await unlink(path);
      };
    }
    const found = await holderAt(path);
    if (found === undefined) continue; // let go of meanwhile
    const here = {
      host: holder.host,
      pid: process.pid,
      nowMs: Date.now(),
      alive,
      heldHere: (n: string) => heldHere.has(n),
    };
    if (!isStale(found.holder, found.writtenMs, here)) return undefined;
    if (!(await takeOver(path, found.text))) return undefined;
  }
  return undefined;
}
