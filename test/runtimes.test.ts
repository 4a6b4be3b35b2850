// The packed library in the runtimes the README names besides Node: Bun, Deno (with network access to the
// emulator only, and no environment access) and Cloudflare's workerd (through Miniflare). Each calls an
// emulator that runs under Node in this process, and reports a successful call and typed errors.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../src/emulator/index.js";
import type { Emulator } from "../src/emulator/index.js";
import { installPacked } from "./helpers/packed.js";
import { bunBinary, denoBinary, runProgram } from "./helpers/runtimes.js";

const fixtures = join(import.meta.dirname, "fixtures/runtimes");
const RUN_TIMEOUT_MS = 60_000;
const NO_TOKEN = "No MotherDuck token: pass the token option, or set MOTHERDUCK_TOKEN (or motherduck_token)";
let project: string;
let emulator: Emulator;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "motherduck-rest-runtimes-"));
  await installPacked(project);
  for (const file of ["checks.mjs", "script.mjs", "worker.mjs"]) {
    await copyFile(join(fixtures, file), join(project, file));
  }
  emulator = await startEmulator();
}, 300_000);
afterAll(async () => {
  await emulator?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

/** What every runtime must report: the checks in fixtures/runtimes/checks.mjs, as they should come out. */
function expectedChecks(noTokenMessage: string) {
  return {
    created: { name: "from-a-runtime", jwtParts: 3 },
    listed: ["from-a-runtime"],
    refused: { isType: true, isMotherDuckError: true, name: "ValidationError", paths: ["body.name"] },
    missing: { isType: true, isMotherDuckError: true, name: "NotFoundError", status: 404, paths: [] },
    noToken: {
      isType: true,
      isMotherDuckError: true,
      name: "ValidationError",
      paths: ["token"],
      message: noTokenMessage,
    },
  };
}

/** Only what a runtime needs to start: no MOTHERDUCK_* variable of this process leaks into it. */
function bareEnvironment(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: project, NO_COLOR: "1" };
}

function parsed(result: { code: number | null; stdout: string; stderr: string }): unknown {
  expect(result.stderr, "the runtime's stderr").toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe("the packed library in other runtimes, against the emulator under Node", () => {
  it(
    "Bun: calls succeed and errors are typed",
    async () => {
      const result = await runProgram(await bunBinary(), ["script.mjs", emulator.url, emulator.adminToken, "svc_bun"], {
        cwd: project,
        env: bareEnvironment(),
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(parsed(result)).toEqual(expectedChecks(`${NO_TOKEN}.`));
    },
    RUN_TIMEOUT_MS + 5_000,
  );

  it(
    "Deno with --allow-net for the emulator only and no --allow-env: calls succeed, errors are typed",
    async () => {
      const { host } = new URL(emulator.url);
      const result = await runProgram(
        await denoBinary(),
        ["run", "--no-prompt", `--allow-net=${host}`, "script.mjs", emulator.url, emulator.adminToken, "svc_deno"],
        {
          cwd: project,
          env: { ...bareEnvironment(), DENO_DIR: join(project, ".deno"), DENO_NO_UPDATE_CHECK: "1" },
          timeoutMs: RUN_TIMEOUT_MS,
        },
      );
      expect(parsed(result)).toEqual(
        expectedChecks(
          `${NO_TOKEN}, which could not be read here ` +
            "(Deno grants access with --allow-env=MOTHERDUCK_TOKEN,motherduck_token,MOTHERDUCK_REST_LOG).",
        ),
      );
    },
    RUN_TIMEOUT_MS + 5_000,
  );

  it(
    "workerd through Miniflare: a bundled Worker's calls succeed and errors are typed",
    async () => {
      const bundle = await build({
        absWorkingDir: project,
        entryPoints: ["worker.mjs"],
        bundle: true,
        format: "esm",
        platform: "neutral",
        write: false,
        logLevel: "silent",
      });
      const worker = new Miniflare({
        modules: true,
        script: bundle.outputFiles[0]!.text,
        compatibilityDate: "2025-01-01",
        bindings: { BASE_URL: emulator.url, TOKEN: emulator.adminToken, USERNAME: "svc_workerd" },
      });
      try {
        const response = await worker.dispatchFetch("http://worker.test/", {
          signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual(expectedChecks(`${NO_TOKEN}.`));
      } finally {
        await worker.dispose();
      }
    },
    RUN_TIMEOUT_MS + 5_000,
  );
});
