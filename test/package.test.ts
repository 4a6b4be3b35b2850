// The package as users get it: packed, installed into a project outside the repository the way the README's
// Install section says, and used from there.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import { packInto } from "./helpers/packed.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const installed = () => join(project, "node_modules/motherduck-rest");
let project: string;
let readme: string;

/** The fenced code block of a README section, found by the section's heading and the block's language. */
function readmeBlock(heading: string, language: string): string {
  const section = readme.slice(readme.indexOf(`\n## ${heading}\n`));
  const block = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(section);
  if (!block) throw new Error(`README: no ${language} block under "${heading}"`);
  return block[1]!;
}

beforeAll(async () => {
  readme = await readFile(join(root, "README.md"), "utf8");
  // A fresh `npm init -y` project: CommonJS by default, as a new user's is.
  project = await mkdtemp(join(tmpdir(), "motherduck-rest-consumer-"));
  await run("npm", ["init", "-y"], { cwd: project });
  await packInto(project);
  // The README's own install line for a tarball in the project, run as written.
  const install = readmeBlock("Install", "sh")
    .split("\n")
    .find((line) => /^npm install \.\/motherduck-rest-\S+\.tgz$/.test(line));
  if (!install) throw new Error("README: no `npm install ./motherduck-rest-<version>.tgz` line");
  await run("sh", ["-c", `${install} --no-audit --no-fund --prefer-offline`], { cwd: project, timeout: 180_000 });
  for (const file of ["usage.mts", "run.mjs", "names.mjs", "settings.ts"])
    await copyFile(join(root, "test/fixtures/consumer", file), join(project, file));
}, 300_000);
afterAll(() => rm(project, { recursive: true, force: true }));

describe("the packed package, installed elsewhere", () => {
  it("ships only what users need", async () => {
    const entries = (await readdir(installed())).sort();
    expect(entries).toEqual(["CHANGELOG.md", "LICENSE", "README.md", "dist", "openapi.yaml", "package.json"]);
    expect(await readdir(join(installed(), "dist"))).not.toContain("cli.test.js");
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
    const program = ts.createProgram([join(project, "usage.mts")], {
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
  }, 60_000);

  describe("the TypeScript settings the README names", () => {
    /** The diagnostics of a strict compile of `file` in the installed project, with these settings. */
    function diagnosticsOf(file: string, settings: ts.CompilerOptions): string[] {
      const program = ts.createProgram([join(project, file)], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        types: ["node"],
        typeRoots: [join(root, "node_modules/@types")],
        ...settings,
      });
      return ts.getPreEmitDiagnostics(program).map((d) => `TS${d.code}`);
    }
    const tsSection = () =>
      readme.slice(
        readme.indexOf("\n## TypeScript\n"),
        readme.indexOf("\n## ", readme.indexOf("\n## TypeScript\n") + 4),
      );

    it("nodenext compiles every entry point, from a CommonJS project's .ts file too", () => {
      expect(tsSection()).toContain('"module": "nodenext"');
      const settings = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext };
      expect(diagnosticsOf("settings.ts", settings)).toEqual([]);
    }, 60_000);

    it("bundler compiles every entry point", () => {
      expect(tsSection()).toContain('"moduleResolution": "bundler"');
      for (const module of [ts.ModuleKind.ESNext, ts.ModuleKind.Preserve]) {
        const settings = { module, moduleResolution: ts.ModuleResolutionKind.Bundler };
        expect(diagnosticsOf("settings.ts", settings)).toEqual([]);
      }
    }, 60_000);

    it("node16 compiles an ES module file, and refuses to require the package from a CommonJS one", async () => {
      expect(tsSection()).toContain('"module": "node16"');
      await copyFile(join(project, "settings.ts"), join(project, "settings16.mts"));
      const settings = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
      expect(diagnosticsOf("settings16.mts", settings)).toEqual([]);
      expect(diagnosticsOf("settings.ts", settings)).toContain("TS1479");
    }, 60_000);

    it("the old node10 resolution (tsc's default without a tsconfig) cannot see the subpath entry points", () => {
      expect(tsSection()).toContain("TS2307");
      const settings = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
      expect(diagnosticsOf("settings.ts", settings)).toContain("TS2307");
    }, 60_000);
  });

  it("runs the installed motherduck-rest --help", async () => {
    const { stdout } = await run(join(project, "node_modules/.bin/motherduck-rest"), ["--help"], { cwd: project });
    expect(stdout).toMatch(/^motherduck-rest \d+\.\d+\.\d+/);
    expect(stdout).toContain("tokens create <username>");
  });

  it("the installed CLI reads a YAML tenants file: yaml is installed with it, as a runtime dependency", async () => {
    await writeFile(
      join(project, "tenants.yaml"),
      "tenants:\n  - serviceAccount: t_a\n    tokens: { app: { ttl: 3x } }\n",
    );
    const bin = join(project, "node_modules/.bin/motherduck-rest");
    const refused = await run(bin, ["tenants", "plan", "-f", "tenants.yaml"], { cwd: project }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /^error: tenants\[0\] \(t_a\)\.tokens\.app\.ttl: "3x" is not a duration/,
    );
  });

  it("creates a token against the emulator, through the installed package", async () => {
    const { stdout } = await run(process.execPath, ["run.mjs"], { cwd: project, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ name: "from-the-tarball", jwtParts: 3, listed: 1 });
  });

  it("installs into a fresh `npm init -y` project, which is CommonJS", async () => {
    const manifest = JSON.parse(await readFile(join(project, "package.json"), "utf8"));
    expect(manifest.type).toBe("commonjs");
    expect(manifest.dependencies["motherduck-rest"]).toMatch(/^file:motherduck-rest-\d+\.\d+\.\d+\.tgz$/);
  });

  it("runs the README's quick start, as the README says to, against the emulator", async () => {
    const snippet = readmeBlock("Quick start", "js");
    const file = /^\/\/ (\S+\.mjs) /.exec(snippet)?.[1];
    expect(file, "the quick start names its .mjs file in its first line").toBeDefined();
    await writeFile(join(project, file!), snippet);
    const emulator = await startEmulator();
    try {
      await createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken }).users.createServiceAccount(
        "svc_etl",
      );
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        MOTHERDUCK_TOKEN: emulator.adminToken,
        MOTHERDUCK_API_BASE_URL: emulator.url,
      };
      delete env.motherduck_token;
      const { stdout } = await run(process.execPath, [file!], { cwd: project, env, timeout: 30_000 });
      expect(stdout).toMatch(/^[0-9a-f-]{36} \d{4}-\d\d-\d\dT\S+\n$/);
    } finally {
      await emulator.close();
    }
  });

  describe("names, as a user sees them", () => {
    let seen: {
      exported: Array<{
        exportName: string;
        name: string;
        instanceName?: string;
        constructorName?: string;
        inspected?: string;
      }>;
      thrown: { name: string; constructorName: string; inspected: string; stack: string };
    };
    beforeAll(async () => {
      const { stdout } = await run(process.execPath, ["names.mjs"], { cwd: project, timeout: 30_000 });
      seen = JSON.parse(stdout);
    });

    it("every exported function and class keeps its own name", () => {
      expect(seen.exported.map((e) => e.exportName)).toEqual(
        expect.arrayContaining(["createMotherDuckClient", "ValidationError", "MotherDuckError", "startEmulator"]),
      );
      for (const { exportName, name } of seen.exported) expect(name, exportName).toBe(exportName);
    });

    it("every error class names itself in .name, constructor.name and util.inspect", () => {
      const errors = seen.exported.filter((e) => e.inspected !== undefined);
      expect(errors.length).toBeGreaterThanOrEqual(14);
      for (const { exportName, instanceName, constructorName, inspected } of errors) {
        expect(instanceName, exportName).toBe(exportName);
        expect(constructorName, exportName).toBe(exportName);
        expect(inspected, exportName).toMatch(new RegExp(`^\\[?${exportName}: a message`));
      }
    });

    it("a thrown ValidationError prints under its name, with real function names in its stack", () => {
      const { name, constructorName, inspected, stack } = seen.thrown;
      expect([name, constructorName]).toEqual(["ValidationError", "ValidationError"]);
      expect(inspected).toMatch(/^ValidationError: Invalid client options: timeoutMs /);
      const frames = stack.split("\n").filter((line) => line.includes("motherduck-rest/dist/index.js"));
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.join("\n")).toMatch(/at (Module\.)?createMotherDuckClient \(/);
      for (const frame of frames) expect(frame).toMatch(/^\s+at (Module\.|Object\.)?[A-Za-z_$][\w$]{3,} \(/);
    });
  });

  it("ships source maps with the sources inside, so stack traces map to src/*.ts", async () => {
    for (const file of ["index.js", "cli/bin.js"]) {
      const code = await readFile(join(installed(), "dist", file), "utf8");
      const mapName = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(code)?.[1];
      expect(mapName, file).toBe(`${file.split("/").pop()}.map`);
      const map = JSON.parse(await readFile(join(installed(), "dist", file + ".map"), "utf8"));
      expect(map.sources.length).toBeGreaterThan(0);
      expect(map.sourcesContent).toHaveLength(map.sources.length);
      expect(map.sourcesContent.every((text: unknown) => typeof text === "string" && text.length > 0)).toBe(true);
    }
    const { stdout } = await run(
      process.execPath,
      [
        "--enable-source-maps",
        "--input-type=module",
        "-e",
        'import { createMotherDuckClient } from "motherduck-rest"; try { createMotherDuckClient({ timeoutMs: -1 }) } catch (e) { console.log(e.stack) }',
      ],
      { cwd: project },
    );
    expect(stdout).toMatch(/at resolveConfig \(\S*node_modules\/motherduck-rest\/src\/config\.ts:\d+:\d+\)/);
  });
});
