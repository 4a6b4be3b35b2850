// Every operation's x-codeSamples: the TypeScript ones must type-check against the library, and the CLI
// ones must name a real command with flags and arguments the CLI's own parser accepts, so that no sample can
// go stale.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../scripts/lib/spec.mjs";
import { parseFlags } from "../src/cli/args.js";
import { commands } from "../src/cli/commands.js";
import { runCli } from "../src/cli/main.js";

const root = join(import.meta.dirname, "..");
interface Sample {
  lang: string;
  label: string;
  source: string;
}
let operations: Array<{ operationId: string; samples: Sample[] }>;
let work: string;

/** A sample's command line as the shell would pass it: words up to a redirect, quotes not used by any sample. */
function argvOf(source: string): string[] {
  const words = source.trim().split(/\s+/);
  return words.slice(0, words.includes(">") ? words.indexOf(">") : undefined);
}

beforeAll(async () => {
  const spec = await loadSpec(join(root, "openapi.yaml"));
  operations = Object.values<any>(spec.paths).flatMap((item) =>
    Object.values<any>(item).map((op) => ({ operationId: op.operationId, samples: op["x-codeSamples"] ?? [] })),
  );
  work = await mkdtemp(join(tmpdir(), "motherduck-rest-samples-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe("x-codeSamples", () => {
  it("every operation has a TypeScript, a CLI and a curl sample", () => {
    expect(operations.length).toBe(10);
    for (const { operationId, samples } of operations) {
      expect(samples.map((s) => s.label).sort(), operationId).toEqual(["CLI", "TypeScript", "curl"]);
    }
  });

  it("every TypeScript sample type-checks against the library", async () => {
    const files: string[] = [];
    for (const { operationId, samples } of operations) {
      for (const sample of samples.filter((s) => s.lang === "TypeScript")) {
        const file = join(work, `${operationId}.mts`);
        await writeFile(file, sample.source);
        files.push(file);
      }
    }
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ["lib.es2023.d.ts", "lib.es2024.string.d.ts"],
      types: ["node"],
      typeRoots: [join(root, "node_modules/@types")],
      skipLibCheck: true,
      paths: {
        "motherduck-rest": [join(root, "src/index.ts")],
        "motherduck-rest/emulator": [join(root, "src/emulator/index.ts")],
      },
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${d.file.fileName.split("/").pop()}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}`
        : "";
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(files).toHaveLength(10);
    expect(diagnostics).toEqual([]);
  });

  it("every CLI sample names a real command with real flags", async () => {
    for (const { operationId, samples } of operations) {
      for (const sample of samples.filter((s) => s.label === "CLI")) {
        const [program, ...args] = argvOf(sample.source);
        expect(program, operationId).toBe("motherduck-rest");
        // The command exists: its help page is shown.
        const output: string[] = [];
        const code = await runCli([...args, "--help"], {
          stdout: (t) => output.push(t),
          stderr: (t) => output.push(t),
        });
        expect(code, `${operationId}: ${output.join("")}`).toBe(0);
        // Its flags and arguments are the command's own: the CLI's parser, with the command's flag table,
        // refuses an unknown flag, and the command takes exactly this many arguments.
        const name = commands[`${args[0]} ${args[1]}`] ? `${args[0]} ${args[1]}` : args[0]!;
        const command = commands[name]!;
        const rest = args.slice(name.split(" ").length);
        const { positionals } = parseFlags(rest, { "base-url": { type: "string" }, ...command.flags });
        expect(positionals, `${operationId}: ${sample.source}`).toHaveLength(command.positionals.length);
      }
    }
  });

  it("the CLI check refuses a flag the command does not have", () => {
    const command = commands["tokens list"]!;
    expect(() => parseFlags(["svc_etl", "--service-accounts"], command.flags)).toThrow(/service-accounts/);
  });
});
