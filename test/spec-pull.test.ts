// `npm run spec:pull` against published specs served from 127.0.0.1, into a scratch copy of the project.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { asPublished } from "./helpers/extensions.js";
import { providerNodes } from "../scripts/lib/provenance.mjs";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
let server: Server;
let baseUrl: string;
let work: string;
let specPath: string;
let outDir: string;
const fixtures = new Map<string, { type: string; body: string }>();

/** What MotherDuck publishes: our operations without this project's words or extensions, plus more. */
function published(change: (spec: any) => void = () => undefined) {
  return (async () => {
    const spec = parse(await readFile(join(root, "openapi.yaml"), "utf8"));
    const upstream = asPublished(spec);
    upstream.info = { title: "MotherDuck REST API", version: "1.0.0" };
    for (const item of Object.values<any>(upstream.paths)) {
      for (const op of Object.values<any>(item)) op.description = "Upstream words";
    }
    upstream.paths["/v1/databases"] = {
      get: {
        operationId: "databases-list",
        tags: ["databases"],
        responses: { "200": { description: "ok" } },
      },
    };
    change(upstream);
    return upstream;
  })();
}

async function pull(name: string) {
  return run(
    process.execPath,
    [join(root, "scripts/spec-pull.mjs"), `${baseUrl}/${name}`, "--spec", specPath, "--out", outDir],
    {
      timeout: 60_000,
    },
  ).then(
    (r) => ({ code: 0, ...r }),
    (e) => ({ code: e.code as number, stdout: e.stdout as string, stderr: e.stderr as string }),
  );
}

const HOSTILE_PATHS: Record<string, string> = {
  "path-other-host.json": ".evil.example/v1/users/{username}/tokens/{token_id}",
  "path-dot-dot.json": "/v1/users/{username}/tokens/{token_id}/../../../../admin/purge",
  "path-encoded-dot-dot.json": "/v1/users/{username}/tokens/%2E%2e/{token_id}",
  "path-dot.json": "/v1/users/{username}/./tokens/{token_id}",
  "path-double-slash.json": "//evil.example/v1/users/{username}/tokens/{token_id}",
  "path-empty-segment.json": "/v1/users//{username}/tokens/{token_id}",
  "path-query.json": "/v1/users/{username}/tokens/{token_id}?admin=1",
  "path-fragment.json": "/v1/users/{username}/tokens/{token_id}#x",
  "path-backslash.json": "/v1/users/{username}/tokens/..\\..\\{token_id}",
  "path-line-break.json": "/v1/users/{username}/tokens/\n..\n/{token_id}",
};

const createTokenBodyOf = (spec: any) =>
  spec.paths["/v1/users/{username}/tokens"].post.requestBody.content["application/json"].schema;

beforeAll(async () => {
  const createToken = (spec: any) => spec.paths["/v1/users/{username}/tokens"].post;
  fixtures.set("same.json", { type: "application/json", body: JSON.stringify(await published()) });
  fixtures.set("changed-bound.yaml", {
    type: "application/yaml",
    body: stringify(
      await published((spec) => {
        createToken(spec).requestBody.content["application/json"].schema.properties.ttl.maximum = 63072000;
        createToken(spec).requestBody.content["application/json"].schema.properties.token_type.enum.push("read_only");
      }),
    ),
  });
  const usersList = (spec: any) => spec.paths["/v1/users"].get;
  const tokenDescription = (spec: any) =>
    createToken(spec).requestBody.content["application/json"].schema.properties.description;
  fixtures.set("live-states-provider-parts.json", {
    type: "application/json",
    body: JSON.stringify(
      await published((spec) => {
        usersList(spec).parameters.find((p: any) => p.name === "limit").schema.maximum = 500;
        tokenDescription(spec).maxLength = 500;
      }),
    ),
  });
  fixtures.set("live-lacks-provider-parts.json", {
    type: "application/json",
    body: JSON.stringify(
      await published((spec) => {
        delete spec.paths["/v1/users"].get;
        delete createToken(spec).requestBody.content["application/json"].schema.properties.description;
      }),
    ),
  });
  fixtures.set("removed-operation.json", {
    type: "application/json",
    body: JSON.stringify(await published((spec) => delete spec.paths["/v1/users/{username}"])),
  });
  // Paths that would take requests, and the bearer token, out of the base URL once the client joins them to it.
  for (const [name, key] of Object.entries(HOSTILE_PATHS)) {
    fixtures.set(name, {
      type: "application/json",
      body: JSON.stringify(
        await published((spec) => {
          spec.paths[key] = spec.paths["/v1/users/{username}/tokens/{token_id}"];
          delete spec.paths["/v1/users/{username}/tokens/{token_id}"];
        }),
      ),
    });
  }
  fixtures.set("recursive-ref.json", {
    type: "application/json",
    body: JSON.stringify(
      await published((spec) => {
        spec.components.schemas = {
          ...spec.components.schemas,
          Node: { type: "object", properties: { child: { $ref: "#/components/schemas/Node" } } },
        };
        createTokenBodyOf(spec).properties.tree = { $ref: "#/components/schemas/Node" };
      }),
    ),
  });
  fixtures.set("other-server.json", {
    type: "application/json",
    body: JSON.stringify(await published((spec) => (spec.servers = [{ url: "http://evil.example" }]))),
  });
  fixtures.set("operation-server.json", {
    type: "application/json",
    body: JSON.stringify(
      await published((spec) => (createToken(spec).servers = [{ url: "https://api.motherduck.com.evil.example" }])),
    ),
  });
  fixtures.set("path-server.json", {
    type: "application/json",
    body: JSON.stringify(
      await published((spec) => (spec.paths["/v1/users/{username}/tokens"].servers = [{ url: "http://evil.example" }])),
    ),
  });
  fixtures.set("malformed.json", { type: "application/json", body: '{"openapi": "3.0.3", "paths": {' });
  fixtures.set("swagger.json", { type: "application/json", body: JSON.stringify({ swagger: "2.0", paths: {} }) });
  fixtures.set("page.html", { type: "text/html", body: "<html><body>Maintenance</body></html>" });
  server = createServer((req, res) => {
    const fixture = fixtures.get((req.url ?? "").slice(1));
    if (!fixture) return void res.writeHead(404).end("Not Found");
    res.writeHead(200, { "content-type": fixture.type }).end(fixture.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  work = await mkdtemp(join(tmpdir(), "motherduck-rest-spec-pull-"));
  specPath = join(work, "openapi.yaml");
  outDir = join(work, "generated");
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => copyFile(join(root, "openapi.yaml"), specPath));

describe("npm run spec:pull", () => {
  it("keeps this project's words and extensions: the same contract changes nothing", async () => {
    const result = await pull("same.json");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Published but not supported by this client (left out): databases-list");
    expect(result.stdout).toContain("Unchanged: users-createToken");
    expect(result.stdout).not.toContain("Changed:");
    const pulled = parse(await readFile(specPath, "utf8"));
    const createToken = pulled.paths["/v1/users/{username}/tokens"].post;
    expect(createToken.description).toMatch(/Token creation scope/);
    expect(createToken["x-codeSamples"]).toHaveLength(3);
    expect(JSON.stringify(pulled.paths["/v1/users"].post)).toContain("x-pattern-message");
    expect(pulled.paths["/v1/databases"]).toBeUndefined();
  });

  it("keeps this project's servers over the published spec's, and prints the difference", async () => {
    const before = parse(await readFile(specPath, "utf8")).servers;
    const result = await pull("other-server.json");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `Servers: the published spec names ["http://evil.example"]; kept this project's ["${before[0].url}"]`,
    );
    expect(parse(await readFile(specPath, "utf8")).servers).toEqual(before);
    const same = await pull("same.json");
    expect(same.stdout).not.toContain("Servers:");
  });

  it("reports a changed bound and enum, and the generated rules follow", async () => {
    const result = await pull("changed-bound.yaml");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Changed: users-createToken[\s\S]*~ body\.ttl\.maximum: 31536000 → 63072000/);
    expect(result.stdout).toMatch(
      /~ body\.token_type\.enum: \["read_write","read_scaling"\] → \["read_write","read_scaling","read_only"\]/,
    );
    expect(result.stdout).toContain("Unchanged: users-listTokens");
    const { operations } = await import(`${pathToFileURL(join(outDir, "rules.ts")).href}?${Date.now()}`);
    expect(operations["users-createToken"].body.properties.ttl.maximum).toBe(63072000);
  });

  it("a pull from the live spec replaces what came from the provider (x-source: terraform-provider)", async () => {
    const before = await readFile(specPath, "utf8");
    expect(before).toContain("x-source: terraform-provider");
    const result = await pull("live-states-provider-parts.json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/~ parameters\.limit\.schema\.maximum|\+ parameters\.limit\.schema\.maximum: 500/);
    expect(result.stdout).toMatch(/~ body\.description\.maxLength: 1000 → 500/);
    expect(result.stdout).toMatch(
      /From terraform-provider, now replaced by the published spec: .*users-list the whole operation/,
    );
    const pulled = parse(await readFile(specPath, "utf8"));
    expect(providerNodes(pulled.paths)).toEqual([]);
    expect(JSON.stringify(pulled.paths)).not.toContain('"x-evidence"');
    // this project's rules and words stay on the published nodes
    expect(JSON.stringify(pulled.paths)).toContain('"x-max-json-bytes":8192');
    expect(createTokenBodyOf(pulled).properties.name["x-not-message"]).toBe("a reserved name");
    const { operations } = await import(`${pathToFileURL(join(outDir, "rules.ts")).href}?${Date.now()}`);
    expect(operations["users-list"].queryParams.limit.maximum).toBe(500);
    expect(operations["users-createToken"].body.properties.description.maxLength).toBe(500);
  });

  it("keeps what came from the provider while the live spec does not state it, and says so", async () => {
    const result = await pull("live-lacks-provider-parts.json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /From terraform-provider, kept \(the published spec does not state it\): .*users-list the whole operation/,
    );
    expect(result.stdout).toMatch(/kept .*users-createToken body\.description/);
    const pulled = parse(await readFile(specPath, "utf8"));
    expect(pulled.paths["/v1/users"].get["x-source"]).toBe("terraform-provider");
    expect(createTokenBodyOf(pulled).properties.description["x-source"]).toBe("terraform-provider");
    // what the live spec does state replaces the provider's version
    expect(createTokenBodyOf(pulled).properties.name.not["x-source"]).toBeUndefined();
  });

  it("--from reads a local file, and --add brings in a published operation this client did not have", async () => {
    const local = join(work, "published.json");
    const upstream = await published((spec) => {
      spec.paths["/v1/databases"].get.description = "List databases";
    });
    await writeFile(local, JSON.stringify(upstream));
    const result = await run(
      process.execPath,
      [
        join(root, "scripts/spec-pull.mjs"),
        "--from",
        local,
        "--add",
        "databases-list",
        "--spec",
        specPath,
        "--out",
        outDir,
      ],
      { timeout: 60_000 },
    );
    expect(result.stdout).toContain("Added: databases-list (GET /v1/databases)");
    expect(parse(await readFile(specPath, "utf8")).paths["/v1/databases"].get.operationId).toBe("databases-list");
  });

  it.runIf(existsSync(join(root, "../shared/reference/motherduck-rest-api")))(
    "openapi.yaml is what pulling the assembled upstream gives: a second pull changes nothing",
    async () => {
      const assembled = join(work, "assembled.json");
      await run(process.execPath, [join(root, "scripts/assemble-upstream.mjs"), "--out", assembled], {
        timeout: 30_000,
      });
      const before = await readFile(specPath, "utf8");
      const result = await run(
        process.execPath,
        [join(root, "scripts/spec-pull.mjs"), "--from", assembled, "--spec", specPath, "--out", outDir],
        { timeout: 60_000 },
      );
      expect(result.stdout.match(/^Unchanged: /gm)).toHaveLength(10);
      expect(result.stdout).not.toMatch(/^(Changed|Added):/m);
      expect(result.stdout).toContain("is already up to date");
      expect(await readFile(specPath, "utf8")).toBe(before);
    },
  );

  const refusals: Array<[string, RegExp]> = [
    ["removed-operation.json", /lacks operations this client supports: users-delete/],
    ["malformed.json", /neither JSON nor YAML/],
    ["swagger.json", /not an OpenAPI 3 document/],
    ["page.html", /not an OpenAPI 3 document|neither JSON nor YAML/],
    ["missing.json", /answered 404/],
    ...Object.entries(HOSTILE_PATHS).map(([name, key]): [string, RegExp] => [
      name,
      new RegExp(
        `the path ${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} .*could send requests elsewhere`,
      ),
    ]),
    ["operation-server.json", /POST \/v1\/users\/\{username\}\/tokens names its own servers/],
    ["path-server.json", /POST \/v1\/users\/\{username\}\/tokens names its own servers \["http:\/\/evil\.example"\]/],
    [
      "recursive-ref.json",
      /the schema #\/components\/schemas\/Node refers to itself \(#\/components\/schemas\/Node → #\/components\/schemas\/Node\)/,
    ],
  ];
  for (const [name, message] of refusals) {
    it(`refuses ${name} with a clear error and leaves openapi.yaml untouched`, async () => {
      const before = await readFile(specPath, "utf8");
      const result = await pull(name);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain("left untouched");
      expect(await readFile(specPath, "utf8")).toBe(before);
    });
  }
});
