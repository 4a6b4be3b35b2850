import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { generate } from "../scripts/generate.mjs";
import { checkRequest } from "../src/validation/request.js";
import type { RequestRules } from "../src/validation/request.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const specPath = join(root, "openapi.yaml");
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "motherduck-rest-generate-"));
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function specWith(change: (spec: any) => void, name: string): Promise<string> {
  const spec = parse(await readFile(specPath, "utf8"));
  change(spec);
  const path = join(work, `${name}.yaml`);
  await writeFile(path, stringify(spec));
  return path;
}

async function readDir(dir: string): Promise<Record<string, string>> {
  const names = (await readdir(dir)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(join(dir, n), "utf8")])));
}

const createTokenBody = (spec: any) =>
  spec.paths["/v1/users/{username}/tokens"].post.requestBody.content["application/json"].schema;

describe("npm run generate", () => {
  it("src/generated/ matches the spec (generate:check passes)", async () => {
    const { stdout, stderr } = await run(process.execPath, [join(root, "scripts/generate.mjs"), "--check"]);
    expect(stdout + stderr).toBe("");
  });

  it("running it twice in a row changes nothing", async () => {
    const out = join(work, "twice");
    expect((await generate({ specPath, outDir: out, check: false })).length).toBeGreaterThan(0);
    const first = await readDir(out);
    expect(await generate({ specPath, outDir: out, check: false })).toEqual([]);
    expect(await readDir(out)).toEqual(first);
    expect(first).toEqual(await readDir(join(root, "src/generated")));
  });

  it("the check fails when a generated file was edited by hand", async () => {
    const out = join(work, "edited");
    await cp(join(root, "src/generated"), out, { recursive: true });
    const rules = join(out, "rules.ts");
    await writeFile(rules, (await readFile(rules, "utf8")).replace('"maxLength": 255', '"maxLength": 256'));
    const failure = await run(process.execPath, [join(root, "scripts/generate.mjs"), "--check", "--out", out]).catch(
      (e) => e,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("drifted");
    expect(failure.stderr).toContain("rules.ts");
  });

  it("a changed bound in the spec flows into the runtime rules that the guards enforce", async () => {
    const changed = await specWith((spec) => {
      createTokenBody(spec).properties.ttl.maximum = 63072000;
      createTokenBody(spec).properties.name.maxLength = 10;
    }, "changed-bound");
    const out = join(work, "changed-bound-out");
    await generate({ specPath: changed, outDir: out, check: false });
    const { operations } = await import(pathToFileURL(join(out, "rules.ts")).href);
    const rules: RequestRules = operations["users-createToken"];
    expect(operations["users-createToken"].body.properties.ttl.maximum).toBe(63072000);
    const check = (body: unknown) => checkRequest(rules, { path: { username: "alice" }, body }, "reject");
    expect(check({ name: "n", ttl: 63072000 })).toEqual([]);
    expect(check({ name: "n", ttl: 63072001 })).toEqual([{ path: "body.ttl", message: "must be at most 63072000" }]);
    expect(check({ name: "x".repeat(11) })).toEqual([
      { path: "body.name", message: "must be at most 10 characters long" },
    ]);
    // and the drift check sees that the committed files no longer match this spec
    const failure = await run(process.execPath, [
      join(root, "scripts/generate.mjs"),
      "--check",
      "--spec",
      changed,
    ]).catch((e) => e);
    expect(failure.code).toBe(1);
  });

  it("a keyword the runtime does not enforce stops the build instead of being ignored", async () => {
    const changed = await specWith((spec) => {
      createTokenBody(spec).properties.ttl.exclusiveMaximum = true;
    }, "unknown-keyword");
    await expect(generate({ specPath: changed, outDir: join(work, "unknown-out"), check: false })).rejects.toThrow(
      /exclusiveMaximum.*not enforced/,
    );
  });
});
