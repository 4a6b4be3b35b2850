// `npm start` on a fresh clone: MotherDuck's provisioning guide against the embedded emulator, as a person reads it.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

describe("npm start", () => {
  it("walks through the provisioning guide on the embedded emulator, with secrets shortened", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", join(root, "scripts/main-job.ts")], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "" },
      timeout: 30_000,
    });
    const uuid = "[0-9a-f-]{36}";
    const steps = [
      /\n1\. Create a service account, "etl_demo"[^\n]*\n   created\./,
      new RegExp(
        `\\n2\\. Mint it a read/write token[^\\n]*\\n   read_write token ${uuid}, "nightly-load", expires \\d{4}` +
          `[^\\n]*\\n   description: "Loads the nightly batch"`,
      ),
      /\n3\. Mint read-scaling tokens[\s\S]*warning from the client: "bi_demo" holds no read\/write token[\s\S]*rule S5/,
      // the emulator's default, then set's whole configuration, then update's one field merged into it
      /\n4\. Size etl_demo's Ducklings[^\n]*\n   now: +read\/write: standard, 60 s cooldown; read scaling: up to 1 × pulse, no cooldown\n/,
      /\n   set: +read\/write: standard, 600 s cooldown; read scaling: up to 1 × pulse, no cooldown\n/,
      /\n   update: +read\/write: standard, 600 s cooldown; read scaling: up to 2 × pulse, no cooldown\n/,
      new RegExp(
        `\\n5\\. Find the service accounts again[^\\n]*\\n   2 service account\\(s\\), ours among them:` +
          `\\n   etl_demo +id \\S+\\n   bi_demo +id \\S+\\n`,
      ),
      /\n6\. See etl_demo among the active accounts[^\n]*\n[^\n]*\n   etl_demo +rw \(read_write, active\)\n/,
      /\n7\. Mint a Dive embed session for etl_demo[^\n]*\n   the iframe's src: https:\/\/embed-motherduck\.com\/sandbox\/#session=\S{8}…\S{4}\n/,
      /\n8\. List etl_demo's tokens[\s\S]*nightly-load\s+read_write[^\n]*"Loads the nightly batch"[\s\S]*dashboards\s+read_scaling/,
      /\n9\. Rotate[\s\S]*new: read_write token[\s\S]*old: [0-9a-f-]{36} is refused now \(401 UNAUTHORIZED\)/,
      /\n10\. Revoke the read-scaling token[\s\S]*now has 1 token/,
      /\n11\. Try to mint a token for "bob"[\s\S]*refused, as it should be: 403 FORBIDDEN[\s\S]*rule S3/,
      // three customers declared: applied, applied again (only reads), a token renamed and pruned, one removed
      /\n12\. Provision three customers as declared tenants[^\n]*\n   apply: +t_acme created, t_globex created, t_initech created \(\d+ GET, \d+ POST(, \d+ PUT)?\)\n/,
      /\n   stored: +t_acme\/app, id [0-9a-f-]{36}, secret eyJ[\w-]{5}…[\w-]{4}\n/,
      /\n   apply again: +t_acme unchanged, t_globex unchanged, t_initech unchanged \(\d+ GET: reads only\)\n/,
      /\n     mint-token t_acme\/bi \([^\n]*\)\n     revoke-token t_acme\/dashboard \([^\n]*\)\n   apply: +t_acme changed, t_globex unchanged, t_initech unchanged/,
      /\n   remove: +t_initech removed/,
      /\n13\. Clean up[\s\S]*deleted t_globex\n   deleted t_acme\n   deleted bi_demo\n   deleted etl_demo\n/,
      /\nDone\.\n$/,
    ];
    for (const step of steps) expect(stdout).toMatch(step);
    // the steps come in order, each once
    const numbers = [...stdout.matchAll(/^(\d+)\. /gm)].map((match) => Number(match[1]));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    // secrets appear shortened only: no whole JWT, and no embed session longer than its shortened form
    expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(stdout).toMatch(/secret eyJ[\w-]{5}…[\w-]{4}/);
    expect(stdout).not.toMatch(/#session=[^…\s]{9}/);
  });
});
