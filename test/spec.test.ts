// openapi.yaml must stay faithful to MotherDuck's operations: the published ones, and the changes since.
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { derefDeep, loadSpec } from "../scripts/lib/spec.mjs";
import { providerNodes } from "../scripts/lib/provenance.mjs";
import { asPublished, withoutExtensions } from "./helpers/extensions.js";

const root = join(import.meta.dirname, "..");
const seedPath = join(root, "../shared/seed/users-create-token.operation.json");
const referenceDir = join(root, "../shared/reference/motherduck-rest-api");
let spec: any;
beforeAll(async () => {
  spec = await loadSpec(join(root, "openapi.yaml"));
});

const operationsIn = (doc: any) =>
  Object.values<any>(doc.paths).flatMap((item) => Object.values<any>(item).filter((op) => op?.operationId));

describe("openapi.yaml", () => {
  it("is OpenAPI 3.0.3 with upstream's info, server and bearer scheme named Authorization", () => {
    expect(spec.openapi).toBe("3.0.3");
    expect(spec.info).toMatchObject({ title: "MotherDuck REST API", version: "1.0.0" });
    expect(spec.servers).toEqual([{ url: "https://api.motherduck.com" }]);
    expect(spec.components.securitySchemes).toEqual({ Authorization: { type: "http", scheme: "bearer" } });
  });

  it("shares the error bodies through components, under upstream's names", () => {
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining([
        "error.BAD_REQUEST",
        "error.UNAUTHORIZED",
        "error.FORBIDDEN",
        "error.NOT_FOUND",
        "error.INTERNAL_SERVER_ERROR",
      ]),
    );
  });

  it("holds all ten operations of MotherDuck's REST API", () => {
    expect(operationsIn(spec).map((op) => op.operationId)).toHaveLength(10);
  });
});

/** A JSON pointer's parts: "/a/b~1c" → ["a", "b/c"]. Written here again so the test does not share the assembler's code. */
const partsOf = (pointer: string) =>
  pointer
    .slice(1)
    .split("/")
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));

/** Every reference operation with the changes since applied, and the pointers of what the provider supplied. */
async function expectedOperations() {
  const names = (await readdir(referenceDir)).sort();
  const byFile = new Map<string, any>([
    ["users-create-token.operation.json", JSON.parse(await readFile(seedPath, "utf8"))],
  ]);
  for (const name of names.filter((n) => n.endsWith(".operation.json"))) {
    byFile.set(name, JSON.parse(await readFile(join(referenceDir, name), "utf8")));
  }
  const expected = new Map<string, { op: any; provider: string[] }>();
  for (const op of byFile.values()) expected.set(op.operationId, { op, provider: "x-evidence" in op ? [""] : [] });
  for (const name of names.filter((n) => n.endsWith(".changes.json"))) {
    const patch = JSON.parse(await readFile(join(referenceDir, name), "utf8"));
    for (const change of patch.changes) {
      if (change.op === "unchanged") continue;
      const id = change.operation ?? byFile.get(patch.baseline.split("/").pop()).operationId;
      const entry = expected.get(id)!;
      const parts = partsOf(change.pointer);
      const last = parts.pop()!;
      parts.reduce((at: any, key) => at[key], entry.op)[last] = change.value;
      entry.provider.push(change.pointer);
    }
  }
  return expected;
}

describe.runIf(existsSync(referenceDir) && existsSync(seedPath))(
  "every operation is faithful to MotherDuck's",
  async () => {
    const expected = existsSync(referenceDir) ? await expectedOperations() : new Map();

    it("the reference material names ten operations, and openapi.yaml has each of them", () => {
      expect(expected.size).toBe(10);
      expect(
        operationsIn(spec)
          .map((op) => op.operationId)
          .sort(),
      ).toEqual([...expected.keys()].sort());
    });

    for (const [id, { op: upstreamOp, provider }] of expected) {
      describe(id, () => {
        let op: any;
        beforeAll(() => {
          op = derefDeep(spec, spec.paths[upstreamOp.path][upstreamOp.method]);
        });

        it("has the same operationId, path, method, tags and security", () => {
          expect(op.operationId).toBe(upstreamOp.operationId);
          expect(op.tags).toEqual(upstreamOp.tags);
          expect(op.security).toEqual(upstreamOp.security);
          if (upstreamOp.securitySchemes) expect(spec.components.securitySchemes).toEqual(upstreamOp.securitySchemes);
        });

        it("has the same parameters and request body, field for field: nothing dropped or altered", () => {
          expect(asPublished(op.parameters)).toEqual(withoutExtensions(upstreamOp.parameters));
          expect(asPublished(op.requestBody)).toEqual(withoutExtensions(upstreamOp.requestBody));
        });

        it("has the same responses, each with its description and schema", () => {
          expect(Object.keys(op.responses).sort()).toEqual(Object.keys(upstreamOp.responses).sort());
          for (const status of Object.keys(upstreamOp.responses)) {
            expect(asPublished(op.responses[status]), status).toEqual(withoutExtensions(upstreamOp.responses[status]));
          }
        });

        it("keeps upstream's description at the start of its own", () => {
          expect(op.description.startsWith(upstreamOp.description.replace(/\.?$/, ""))).toBe(true);
        });

        it(`marks exactly what the provider supplied with x-source (${provider.length ? provider.join(", ") || "the whole operation" : "nothing"})`, () => {
          const marked = providerNodes(spec.paths[upstreamOp.path][upstreamOp.method]).map((n) => n.pointer);
          expect(marked.sort()).toEqual([...provider].sort());
        });
      });
    }
  },
);

describe("this project's additions to the descriptions", () => {
  const createTokenBody = () =>
    spec.paths["/v1/users/{username}/tokens"].post.requestBody.content["application/json"].schema.properties;

  it("ttl states its bounds, in words derived from them, and what leaving it out means", () => {
    const { ttl } = createTokenBody();
    expect(ttl.minimum % 60).toBe(0);
    expect(ttl.description).toContain(`${ttl.minimum / 60} minutes`);
    expect(ttl.description).toContain(`one year (${ttl.maximum / 86_400} days)`);
    expect(ttl.description).toMatch(/out and the token never expires/);
  });

  it("token_type lists its values wherever it appears", () => {
    const lists = spec.paths["/v1/users/{username}/tokens"].get.responses["200"].content["application/json"].schema;
    const created = spec.paths["/v1/users/{username}/tokens"].post.responses["200"].content["application/json"].schema;
    for (const tokenType of [
      createTokenBody().token_type,
      created.properties.token_type,
      lists.properties.tokens.items.properties.token_type,
    ]) {
      for (const value of tokenType.enum) expect(tokenType.description).toContain(`\`${value}\``);
    }
  });

  it("reaches the generated types as TSDoc", async () => {
    const schema = await readFile(join(root, "src/generated/schema.ts"), "utf8");
    expect(schema).toContain(createTokenBody().ttl["x-description-addendum"]);
    expect(schema).toContain(createTokenBody().token_type["x-description-addendum"]);
  });
});

describe.runIf(existsSync(seedPath))("users-createToken's description", () => {
  let op: any;
  beforeAll(() => {
    op = spec.paths["/v1/users/{username}/tokens"].post;
  });

  it("carries the seed's note in its description, for the rendered docs", () => {
    expect(op.description).toMatch(/^Create an access token for a user/);
    for (const point of [
      /your own user account/,
      /service accounts within your organization/i,
      /Admin\*\* token/,
      /read\/write token\s+before you use read scaling tokens/,
      /exact `username`/,
      /`ttl` is not given/,
    ]) {
      expect(op.description).toMatch(point);
    }
  });
});
