// openapi.yaml must stay faithful to MotherDuck's published operations.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { derefDeep, loadSpec } from "../scripts/lib/spec.mjs";

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

describe.runIf(existsSync(seedPath))("users-createToken is faithful to the seed", () => {
  let seed: any;
  let op: any;
  beforeAll(async () => {
    seed = JSON.parse(await readFile(seedPath, "utf8"));
    op = derefDeep(spec, spec.paths[seed.path][seed.method]);
  });

  it("has the seed's operationId, path, method, tags and security", () => {
    expect(op.operationId).toBe(seed.operationId);
    expect(op.tags).toEqual(seed.tags);
    expect(op.security).toEqual(seed.security);
    expect(spec.components.securitySchemes).toEqual(seed.securitySchemes);
  });

  it("has the seed's path parameter and request body, field for field", () => {
    expect(op.parameters).toEqual(seed.parameters);
    expect(op.requestBody).toEqual(seed.requestBody);
  });

  it("has the seed's responses, each with its description and schema", () => {
    expect(Object.keys(op.responses).sort()).toEqual(Object.keys(seed.responses).sort());
    for (const status of Object.keys(seed.responses)) {
      expect(op.responses[status], status).toEqual(seed.responses[status]);
    }
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
