// The package as users get it: `npm pack` of the repository, installed into a project outside it. Packing
// rebuilds dist/ (prepack), so test files that pack or read dist/ take turns: one rebuild must not delete the
// files another is putting in its tarball or measuring.
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const root = join(import.meta.dirname, "../..");
const LOCK = join(root, "node_modules/.cache/motherduck-rest-pack.lock");
const LOCK_WAIT_MS = 300_000;
// A lock older than any pack takes was left by a run that was killed: it is taken over.
const STALE_LOCK_MS = 240_000;
const POLL_MS = 250;

async function lockAge(): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(LOCK)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Runs `task` while no other test process is packing or reading dist/. */
export async function withDistAlone<T>(task: () => Promise<T>): Promise<T> {
  await mkdir(join(LOCK, ".."), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      const age = await lockAge();
      if (age !== undefined && age > STALE_LOCK_MS) await rm(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another test held the pack lock for ${LOCK_WAIT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  try {
    return await task();
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}

/** Packs the repository into `destination`; resolves to the tarball's file name. */
export async function packInto(destination: string): Promise<string> {
  await withDistAlone(() =>
    run("npm", ["pack", "--silent", "--pack-destination", destination], { cwd: root, timeout: 180_000 }),
  );
  const tarball = (await readdir(destination)).find((name) => /^motherduck-rest-.+\.tgz$/.test(name));
  if (!tarball) throw new Error(`npm pack left no motherduck-rest tarball in ${destination}`);
  return tarball;
}

/** A new ES module project in `project` with the packed package installed, as a user would install it. */
export async function installPacked(project: string): Promise<void> {
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const tarball = await packInto(project);
  await run("npm", ["install", `./${tarball}`, "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: project,
    timeout: 180_000,
  });
}
