// The package as users get it: packed, installed into a project outside the repository, and used from there.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), "motherduck-rest-consumer-"));
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", project], {
    cwd: root,
    timeout: 120_000,
  });
  const tarball = stdout.trim().split("\n").pop()!;
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(project, tarball)], {
    cwd: project,
    timeout: 180_000,
  });
  for (const file of ["usage.ts", "run.mjs"])
    await copyFile(join(root, "test/fixtures/consumer", file), join(project, file));
}, 300_000);
afterAll(() => rm(project, { recursive: true, force: true }));

describe("the packed package, installed elsewhere", () => {
  it("ships only what users need", async () => {
    const installed = join(project, "node_modules/motherduck-rest");
    const entries = (await readdir(installed)).sort();
    expect(entries).toEqual(["LICENSE", "README.md", "dist", "openapi.yaml", "package.json"]);
    expect(await readdir(join(installed, "dist"))).not.toContain("cli.test.js");
  });

  it("imports from ESM", async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const m = await import("motherduck-rest"); console.log(typeof m.createMotherDuckClient, typeof m.ValidationError)',
      ],
      { cwd: project },
    );
    expect(stdout.trim()).toBe("function function");
  });

  it("loads through require() where Node can require ES modules", async () => {
    const { stdout } = await run(
      process.execPath,
      ["-e", 'console.log(typeof require("motherduck-rest").createMotherDuckClient)'],
      {
        cwd: project,
      },
    );
    expect(stdout.trim()).toBe("function");
  });

  it("type-checks a usage file against the installed declarations", () => {
    const program = ts.createProgram([join(project, "usage.ts")], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });

  it("runs the installed motherduck-rest --help", async () => {
    const { stdout } = await run(join(project, "node_modules/.bin/motherduck-rest"), ["--help"], { cwd: project });
    expect(stdout).toMatch(/^motherduck-rest \d+\.\d+\.\d+/);
    expect(stdout).toContain("tokens create <username>");
  });

  it("creates a token against the emulator, through the installed package", async () => {
    const { stdout } = await run(process.execPath, ["run.mjs"], { cwd: project, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ name: "from-the-tarball", jwtParts: 3, listed: 1 });
  });
});
