// The tenants file as the CLI reads it, and the lines it prints: pure functions, checked without a server.
import { describe, expect, it } from "vitest";
import { TenantsFileError, tenantSpecsFrom } from "../src/cli/tenants-file.js";
import {
  changeLine,
  planLines,
  planSummary,
  progressLine,
  reportSummary,
  resultLine,
} from "../src/cli/tenants-lines.js";
import type { TenantPlan } from "../src/tenants/types.js";

/** The issues a file's text is refused with, as "where: message" lines. */
async function refusal(text: string, fileName = "tenants.yaml"): Promise<string[]> {
  try {
    await tenantSpecsFrom(text, fileName);
  } catch (error) {
    if (error instanceof TenantsFileError) return error.issues.map((issue) => `${issue.where}: ${issue.message}`);
    throw error;
  }
  throw new Error("the file was accepted");
}

describe("tenants file", () => {
  it("reads YAML and JSON alike, with ttl and renewBefore as durations or seconds", async () => {
    const yaml = `tenants:
  - serviceAccount: t_acme
    ducklings: { read_write: { instance_size: standard } }
    tokens:
      app: { token_type: read_write, ttl: 30d, renewBefore: 12h }
      dashboard: { token_type: read_scaling }
      batch: { ttl: 3600 }
      quoted: { ttl: "7200" }
`;
    const expected = [
      {
        serviceAccount: "t_acme",
        ducklings: { read_write: { instance_size: "standard" } },
        tokens: {
          app: { token_type: "read_write", ttl: 30 * 86_400, renewBefore: 12 * 3600 },
          dashboard: { token_type: "read_scaling" },
          batch: { ttl: 3600 },
          quoted: { ttl: 7200 },
        },
      },
    ];
    expect(await tenantSpecsFrom(yaml, "tenants.yaml")).toEqual(expected);
    const json = JSON.stringify({
      tenants: [
        {
          ...expected[0],
          tokens: { ...expected[0]!.tokens, app: { token_type: "read_write", ttl: "30d", renewBefore: "12h" } },
        },
      ],
    });
    expect(await tenantSpecsFrom(json, "tenants.json")).toEqual(expected);
  });

  it("leaves everything but durations to the library: a typo'd field, a wrong type, a bad name pass through", async () => {
    const specs = await tenantSpecsFrom(
      `tenants:\n  - serviceAccount: t_a\n    tokens: { app: { ttl: true, tokn_type: x } }\n  - 42\n  - { serviceAcount: t_b }\n`,
      "t.yml",
    );
    expect(specs).toEqual([
      { serviceAccount: "t_a", tokens: { app: { ttl: true, tokn_type: "x" } } },
      42,
      { serviceAcount: "t_b" },
    ]);
  });

  it("names the tenant and the field of every duration it cannot read", async () => {
    expect(
      await refusal(`tenants:
  - serviceAccount: t_ok
  - serviceAccount: t_acme
    tokens: { app: { ttl: 3x }, other: { ttl: 400d, renewBefore: soon } }
  - tokens: { app: { ttl: 1w } }
`),
    ).toEqual([
      'tenants[1] (t_acme).tokens.app.ttl: "3x" is not a duration: use a whole number with s, m, h or d (90s, 15m, 1h, 30d)',
      "tenants[1] (t_acme).tokens.other.ttl: 400d is outside the allowed range, 5m to 365d",
      'tenants[1] (t_acme).tokens.other.renewBefore: "soon" is not a duration: use a whole number with s, m, h or d (90s, 15m, 1h, 30d)',
      'tenants[2].tokens.app.ttl: "1w" is not a duration: use a whole number with s, m, h or d (90s, 15m, 1h, 30d)',
    ]);
  });

  it("refuses a top level that is not { tenants: [...] }, with did-you-mean for a mistyped key", async () => {
    expect(await refusal("tenant:\n  - serviceAccount: t_a\n")).toEqual([
      'tenant: is not a key of a tenants file, which holds only tenants: [...] (did you mean "tenants"?)',
      "tenants: is missing: list the tenants under it",
    ]);
    expect(await refusal("tenants: { serviceAccount: t_a }\n")).toEqual(["tenants: must be a list of tenants"]);
    expect(await refusal("- serviceAccount: t_a\n")).toEqual([
      "the file: must hold a mapping with one key, tenants: [...]",
    ]);
    expect(await refusal("")).toEqual(["the file: must hold a mapping with one key, tenants: [...]"]);
  });

  it("refuses text that does not parse, saying where", async () => {
    expect((await refusal("tenants: [\n", "t.yaml"))[0]).toMatch(
      /^t\.yaml: is not valid YAML: .* at line \d+, column \d+$/,
    );
    expect((await refusal("tenants:\n  - a: 1\n    a: 2\n"))[0]).toMatch(
      /is not valid YAML: Map keys must be unique at line 3/,
    );
    expect((await refusal("tenants: []\n---\ntenants: []\n"))[0]).toMatch(
      /is not valid YAML: Source contains multiple documents/,
    );
    expect((await refusal('{"tenants": [}', "t.json"))[0]).toMatch(/^t\.json: is not valid JSON: /);
  });

  it("refuses a YAML alias bomb instead of expanding it", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(", ")}]`,
      );
    expect((await refusal(`${bomb.join("\n")}\ntenants: *l\n`))[0]).toMatch(/is not valid YAML: .*alias/i);
  });

  it("keeps a control character in a key from reaching the terminal", async () => {
    expect((await refusal('{"tenants": [], "\\u001b[2Jx": 1}', "t.json"))[0]).toMatch(/^\\e\[2Jx: is not a key/);
  });
});

describe("tenants lines", () => {
  const plans: TenantPlan[] = [
    {
      serviceAccount: "t_acme",
      changes: [
        { kind: "create-service-account", serviceAccount: "t_acme", reason: "absent" },
        { kind: "set-ducklings", serviceAccount: "t_acme", reason: "read_write differs" },
        { kind: "mint-token", serviceAccount: "t_acme", token: "app", reason: "absent" },
      ],
    },
    {
      serviceAccount: "t_beta",
      changes: [
        { kind: "replace-token", serviceAccount: "t_beta", token: "app", reason: "expires in 2h" },
        { kind: "revoke-token", serviceAccount: "t_beta", token: "old", reason: "no longer declared" },
      ],
    },
    { serviceAccount: "t_same", changes: [] },
    { serviceAccount: "bob", changes: [], error: "bob is a person, not a service account" },
  ];

  it("prints one line per change: + create or mint, ~ change or replace, - revoke or delete", async () => {
    expect(planLines(plans)).toEqual([
      "+ t_acme: create service account (absent)",
      "~ t_acme: set Ducklings (read_write differs)",
      "+ t_acme/app: mint token (absent)",
      "~ t_beta/app: replace token (expires in 2h)",
      "- t_beta/old: revoke token (no longer declared)",
    ]);
    expect(changeLine({ kind: "delete-service-account", serviceAccount: "t_x", reason: "" })).toBe(
      "- t_x: delete service account (and all its data)",
    );
    expect(planSummary(plans)).toBe("4 tenants: 2 to change (5 changes), 1 already as declared, 1 cannot be converged");
  });

  it("keeps a hostile name on its line", async () => {
    expect(changeLine({ kind: "mint-token", serviceAccount: "t\n+ evil", token: "a\x1b[2J", reason: "r\r" })).toBe(
      "+ t\\n+ evil/a\\e[2J: mint token (r\\r)",
    );
  });

  it("describes finished tenants, the live line and the summary", async () => {
    const failed = {
      serviceAccount: "t_b",
      outcome: "failed" as const,
      changes: [plans[0]!.changes[0]!],
      error: "boom",
    };
    const created = { serviceAccount: "t_a", outcome: "created" as const, changes: plans[0]!.changes };
    expect(resultLine(created)).toBe("t_a: created (3 changes)");
    expect(resultLine(failed)).toBe("t_b: failed after 1 change: boom");
    expect(resultLine({ serviceAccount: "t_c", outcome: "unchanged", changes: [] })).toBe("t_c: unchanged");
    expect(progressLine({ tenant: failed, done: 2, total: 10 }, 1)).toBe(
      "2/10 tenants done, 1 failed; last: t_b failed",
    );
    expect(reportSummary({ tenants: [created, failed, created], failed: 1 })).toBe("3 tenants: 2 created, 1 failed");
    expect(reportSummary({ tenants: [], failed: 0 })).toBe("0 tenants: nothing to do");
  });
});
