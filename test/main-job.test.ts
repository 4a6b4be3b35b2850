// `npm start` on a fresh clone: the main job against the embedded emulator, as a person reads it.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

describe("npm start", () => {
  it("walks through the main job on the embedded emulator, with secrets shortened", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(root, "scripts/main-job.ts")], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "" },
      timeout: 30_000,
    });
    const steps = [
      /1\. Create a service account, "etl_demo"/,
      /2\. Mint it a read\/write token[\s\S]*read_write token [0-9a-f-]{36}, "nightly-load", expires \d{4}/,
      /3\. Mint read-scaling tokens[\s\S]*warning from the client: "bi_demo" holds no read\/write token[\s\S]*rule S5/,
      /4\. List etl_demo's tokens[\s\S]*nightly-load\s+read_write[\s\S]*dashboards\s+read_scaling/,
      /5\. Rotate[\s\S]*new: read_write token[\s\S]*old: [0-9a-f-]{36} is refused now \(401 UNAUTHORIZED\)/,
      /6\. Revoke the read-scaling token[\s\S]*now has 1 token/,
      /7\. Try to mint a token for "bob"[\s\S]*refused, as it should be: 403 FORBIDDEN[\s\S]*rule S3/,
      /8\. Clean up[\s\S]*deleted etl_demo/,
      /Done\./,
    ];
    for (const step of steps) expect(stdout).toMatch(step);
    // secrets appear shortened only: no whole JWT anywhere
    expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(stdout).toMatch(/secret eyJ[\w-]{5}…[\w-]{4}/);
  });
});
