import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { parse, stringify } from "yaml";
import { generate } from "../scripts/generate.mjs";
import { checkRequest } from "../src/validation/request.js";
import type { RequestRules } from "../src/validation/request.js";
import type {
  ActiveAccount,
  CreateEmbedSessionBody,
  CreateTokenBody,
  DucklingConfig,
  EmbedSession,
  Token,
  TokenInfo,
  TokenType,
  User,
  UsersListQuery,
} from "../src/types.js";

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

/** The exit code of `generate --check` against `spec`: 1 when the committed files no longer match it. */
async function driftCheckExitCode(spec: string): Promise<number> {
  return run(process.execPath, [join(root, "scripts/generate.mjs"), "--check", "--spec", spec]).then(
    () => 0,
    (e) => e.code,
  );
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
    expect(await driftCheckExitCode(changed)).toBe(1);
  });

  it("a changed bound of a new operation (users-list limit, a Duckling cooldown) flows into the guard", async () => {
    const changed = await specWith((spec) => {
      const limit = spec.paths["/v1/users"].get.parameters.find((p: any) => p.name === "limit");
      limit.schema.maximum = 50;
      const config = spec.paths["/v1/users/{username}/instances"].put.requestBody.content["application/json"].schema;
      config.properties.config.properties.read_write.properties.cooldown_seconds.maximum = 600;
      const embed = spec.paths["/v1/dives/{dive_id}/embed-session"].post.requestBody.content["application/json"];
      embed.schema.properties.required_resources["x-max-json-bytes"] = 64;
    }, "new-operation-bound");
    const out = join(work, "new-operation-bound-out");
    await generate({ specPath: changed, outDir: out, check: false });
    const { operations } = await import(pathToFileURL(join(out, "rules.ts")).href);
    const list = (query: Record<string, unknown>) =>
      checkRequest(operations["users-list"], { path: {}, query }, "reject");
    expect(list({ limit: 50 })).toEqual([]);
    expect(list({ limit: 51 })).toEqual([{ path: "limit", message: "must be at most 50" }]);
    const set = (cooldown: number) =>
      checkRequest(
        operations["ducklings-setDucklingConfigForUser"],
        {
          path: { username: "svc" },
          body: {
            config: {
              read_write: { instance_size: "standard", cooldown_seconds: cooldown },
              read_scaling: { instance_size: "standard", flock_size: 1 },
            },
          },
        },
        "reject",
      );
    expect(set(600)).toEqual([]);
    expect(set(601)).toEqual([{ path: "body.config.read_write.cooldown_seconds", message: "must be at most 600" }]);
    const resources = [{ url: "md:_share/sales/" + "a".repeat(40) }];
    expect(JSON.stringify(resources).length).toBeGreaterThan(64);
    expect(
      checkRequest(
        operations["dashboards-createEmbedSession"],
        {
          path: { dive_id: "3fa85f64-5717-4562-b3fc-2c963f66afa6" },
          body: { username: "svc", required_resources: resources },
        },
        "reject",
      ),
    ).toEqual([{ path: "body.required_resources", message: "must be at most 64 bytes as compact JSON (UTF-8)" }]);
    expect(await driftCheckExitCode(changed)).toBe(1);
  });

  const refusals: Array<[string, (spec: any) => void, RegExp]> = [
    [
      "an unknown keyword on a new operation",
      (spec) => {
        const body = spec.paths["/v1/dives/{dive_id}/embed-session"].post.requestBody.content["application/json"];
        body.schema.properties.initial_state.patternProperties = { "^x": {} };
      },
      /initial_state: the keyword "patternProperties" is not enforced/,
    ],
    [
      "a request format the runtime cannot check",
      (spec) => {
        spec.paths["/v1/dives/{dive_id}/embed-session"].post.parameters[0].schema.format = "email";
      },
      /parameter dive_id: the format "email" is not enforced/,
    ],
    [
      "a format beside a pattern, which one rule cannot hold",
      (spec) => {
        spec.paths["/v1/dives/{dive_id}/embed-session"].post.parameters[0].schema.pattern = "^[0-9a-f-]+$";
      },
      /parameter dive_id: a format and a pattern together are not supported/,
    ],
    [
      "a header parameter",
      (spec) => {
        spec.paths["/v1/users"].get.parameters.push({ in: "header", name: "X-Org", schema: { type: "string" } });
      },
      /header parameters are not supported/,
    ],
    [
      "allOf parts that repeat a check",
      (spec) => {
        createTokenBody(spec).properties.name = { allOf: [{ maxLength: 10 }, { type: "string", maxLength: 10 }] };
      },
      /two allOf parts both check maxLength=10/,
    ],
    [
      "a byte cap that is not a positive integer",
      (spec) => {
        const body = spec.paths["/v1/dives/{dive_id}/embed-session"].post.requestBody.content["application/json"];
        body.schema.properties.initial_state["x-max-json-bytes"] = "64 KiB";
      },
      /x-max-json-bytes must be a positive integer/,
    ],
  ];
  for (const [what, change, message] of refusals) {
    it(`${what} stops the build`, async () => {
      const name = what.replaceAll(" ", "-");
      const changed = await specWith(change, name);
      await expect(generate({ specPath: changed, outDir: join(work, `${name}-out`), check: false })).rejects.toThrow(
        message,
      );
    });
  }

  it("a type list (OpenAPI 3.1's form) or an unknown type name stops the build", async () => {
    for (const [type, name] of [
      [["number", "null"], "type-list"],
      ["decimal", "type-name"],
    ] as const) {
      const changed = await specWith((spec) => {
        createTokenBody(spec).properties.ttl.type = type;
      }, name);
      await expect(generate({ specPath: changed, outDir: join(work, `${name}-out`), check: false })).rejects.toThrow(
        /is not one src\/validation\/schema.ts enforces/,
      );
    }
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

describe("the generated types", () => {
  it("keep optional fields optional, nullable fields nullable, and name the new operations' shapes", () => {
    // Checked by the type checker (npx tsc -p .); at run time these calls do nothing.
    expectTypeOf<CreateTokenBody["token_type"]>().toEqualTypeOf<TokenType | undefined>();
    expectTypeOf<CreateTokenBody["description"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Token["description"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<TokenInfo["description"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<User["first_name"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<User["id"]>().toEqualTypeOf<string>();
    expectTypeOf<UsersListQuery>().toEqualTypeOf<{
      is_service_account?: boolean;
      is_deprovisioned?: boolean;
      limit?: number;
      page_token?: string;
    }>();
    expectTypeOf<DucklingConfig["read_scaling"]["flock_size"]>().toEqualTypeOf<number>();
    expectTypeOf<ActiveAccount["ducklings"][number]["status"]>().toEqualTypeOf<string>();
    expectTypeOf<EmbedSession>().toEqualTypeOf<{ session: string }>();
    expectTypeOf<CreateEmbedSessionBody["initial_state"]>().toEqualTypeOf<{ [key: string]: unknown } | undefined>();
    expectTypeOf<NonNullable<CreateEmbedSessionBody["required_resources"]>[number]>().toEqualTypeOf<{
      url: string;
      alias?: string;
    }>();
  });
});
