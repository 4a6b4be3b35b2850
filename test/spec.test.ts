// openapi.yaml must stay faithful to MotherDuck's published operations.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { derefDeep, loadSpec } from "../scripts/lib/spec.mjs";
import { withoutExtensions } from "./helpers/extensions.js";

const root = join(import.meta.dirname, "..");
const seedPath = join(root, "../shared/seed/users-create-token.operation.json");
let spec: any;
beforeAll(async () => {
  spec = await loadSpec(join(root, "openapi.yaml"));
});

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
});

const referenceDir = join(root, "../shared/reference/motherduck-rest-api");
const upstream = [
  seedPath,
  ...["users-list-tokens", "users-delete-token", "users-create-service-account", "users-delete"].map((name) =>
    join(referenceDir, `${name}.operation.json`),
  ),
];

for (const file of upstream) {
  describe.runIf(existsSync(file))(`${file.split("/").pop()} is faithful to MotherDuck's operation`, () => {
    let upstreamOp: any;
    let op: any;
    beforeAll(async () => {
      upstreamOp = JSON.parse(await readFile(file, "utf8"));
      op = derefDeep(spec, spec.paths[upstreamOp.path][upstreamOp.method]);
    });

    it("has the same operationId, path, method, tags and security", () => {
      expect(op.operationId).toBe(upstreamOp.operationId);
      expect(op.tags).toEqual(upstreamOp.tags);
      expect(op.security).toEqual(upstreamOp.security);
      expect(spec.components.securitySchemes).toEqual(upstreamOp.securitySchemes);
    });

    it("has the same parameters and request body, field for field", () => {
      expect(op.parameters).toEqual(upstreamOp.parameters);
      expect(withoutExtensions(op.requestBody)).toEqual(upstreamOp.requestBody);
    });

    it("has the same responses, each with its description and schema", () => {
      expect(Object.keys(op.responses).sort()).toEqual(Object.keys(upstreamOp.responses).sort());
      for (const status of Object.keys(upstreamOp.responses)) {
        expect(op.responses[status], status).toEqual(upstreamOp.responses[status]);
      }
    });

    it("keeps upstream's description at the start of its own", () => {
      expect(op.description.startsWith(upstreamOp.description.replace(/\.?$/, ""))).toBe(true);
    });
  });
}

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
