// The CLI's commands for the rest of the API (users list, ducklings get/set, accounts active, dives embed-session),
// run as child processes against a loopback server that answers like MotherDuck and checks each request against
// the spec. What is tested is the CLI's side: flags → request, answer → table or JSON, refusals in flag words.
import { describe, expect, it } from "vitest";
import { enums } from "../src/generated/enums.js";
import { runCli } from "./helpers/cli.js";
import type { RecordedRequest, Reply } from "./helpers/recording-server.js";
import { useRecordingServer } from "./helpers/recording-server.js";

const { pulse: PULSE, standard: STANDARD, jumbo: JUMBO } = enums.instance_size;
const { read_write: READ_WRITE, read_scaling: READ_SCALING } = enums.token_type;
const DIVE = "6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f";
const SESSION = "ZW1iZWQtc2Vzc2lvbi1zZWNyZXQ.c2lnbmF0dXJl";
// Anything a terminal acts on: C0 but the newline that ends a line, DEL, and C1.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const STACK_TRACE = /^\s+at /m;
const HOSTILE = "svc\u001b[2K\r\u001b[31mFAKE\u0007\ncsi\u009b2J";

const USERS_PAGE_1 = [
  { id: "u-1", username: "alice", is_service_account: false, is_deprovisioned: false, roles: ["admin"] },
  { id: "u-2", username: "svc_etl", is_service_account: true, is_deprovisioned: false, roles: [] },
];
// The second page repeats u-2 (pages overlap) and has a user with only the certain fields.
const USERS_PAGE_2 = [USERS_PAGE_1[1]!, { id: "u-3", username: HOSTILE }];

let ducklingConfig: Record<string, Record<string, unknown>>;
const freshConfig = () => ({
  [READ_WRITE]: { instance_size: STANDARD, cooldown_seconds: 600 },
  [READ_SCALING]: { instance_size: PULSE, flock_size: 2 },
});

function motherDuck(request: RecordedRequest): Reply {
  const [, first, second, third] = request.segments;
  const query = new URLSearchParams(request.rawPath.split("?")[1] ?? "");
  if (request.method === "POST" && first === "users") return { body: request.json };
  if (request.method === "GET" && first === "users" && second === undefined) {
    return query.get("page_token") === "p2"
      ? { body: { users: USERS_PAGE_2, next_page_token: null } }
      : { body: { users: USERS_PAGE_1, next_page_token: "p2" } };
  }
  if (third === "instances" && request.method === "GET") return { body: ducklingConfig };
  if (third === "instances" && request.method === "PUT") {
    ducklingConfig = (request.json as { config: typeof ducklingConfig }).config;
    return { body: ducklingConfig };
  }
  if (first === "active_accounts") {
    return {
      body: {
        accounts: [
          {
            username: "svc_etl",
            ducklings: [
              { id: "rw", type: READ_WRITE, status: "active" },
              { id: "rs.0", type: READ_SCALING, status: "cooldown" },
            ],
          },
          { username: HOSTILE, ducklings: [{ id: "rw", type: READ_WRITE, status: "active" }] },
        ],
      },
    };
  }
  if (first === "dives") return { body: { session: SESSION } };
  return { status: 404, body: { code: "NOT_FOUND", message: "no such route in this test" } };
}

const server = useRecordingServer(motherDuck);
const env = () => ({
  MOTHERDUCK_TOKEN: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0In0.c2ln",
  MOTHERDUCK_API_BASE_URL: server.url,
});
const sent = () => server.requests.map((r) => `${r.method} ${r.rawPath}`);

describe("users list", () => {
  it("reads every page into one table, repeats dropped, a missing field an empty cell, control characters escaped", async () => {
    const result = await runCli(["users", "list"], env());
    expect(result.code).toBe(0);
    expect(sent()).toEqual(["GET /v1/users", "GET /v1/users?page_token=p2"]);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toBe(
      [
        "USERNAME                               TYPE             ID   ROLES  DEPROVISIONED",
        "alice                                  human            u-1  admin  no",
        "svc_etl                                service-account  u-2         no",
        "svc\\e[2K\\r\\e[31mFAKE\\x07\\ncsi\\u009b2J                   u-3",
        "",
      ].join("\n"),
    );
  });

  it("--json: one JSON array of every user, parsing back to the server's strings", async () => {
    const result = await runCli(["users", "list", "--json"], env());
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(result.stdout)).toEqual([...USERS_PAGE_1, USERS_PAGE_2[1]]);
  });

  it("--service-accounts and --humans become is_service_account on every page", async () => {
    expect((await runCli(["users", "list", "--service-accounts"], env())).code).toBe(0);
    expect(sent()).toEqual([
      "GET /v1/users?is_service_account=true",
      "GET /v1/users?is_service_account=true&page_token=p2",
    ]);
    server.requests.length = 0;
    expect((await runCli(["users", "list", "--humans", "--json"], env())).code).toBe(0);
    expect(sent()[0]).toBe("GET /v1/users?is_service_account=false");
  });

  it("both flags: a usage error, exit 2, nothing sent", async () => {
    const result = await runCli(["users", "list", "--humans", "--service-accounts"], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: give --service-accounts or --humans, not both/);
    expect(server.requests).toEqual([]);
  });
});

it("users create-service-account points to users list, now that service accounts can be listed", async () => {
  const result = await runCli(["users", "create-service-account", "svc_new"], env());
  expect(result.code).toBe(0);
  expect(result.stderr).toBe(
    'Created service account svc_new. "motherduck-rest users list --service-accounts" lists it with the others.\n',
  );
});

describe("ducklings get", () => {
  it("a table of both halves: a cooldown as a duration, 'none' for pulse, 'default' when the API gives none", async () => {
    ducklingConfig = {
      [READ_WRITE]: { instance_size: JUMBO },
      [READ_SCALING]: { instance_size: PULSE, flock_size: 3 },
    };
    const result = await runCli(["ducklings", "get", "svc_etl"], env());
    expect(result.code).toBe(0);
    expect(sent()).toEqual(["GET /v1/users/svc_etl/instances"]);
    expect(result.stdout).toBe(
      [
        "HALF          SIZE   COOLDOWN  FLOCK",
        `${READ_WRITE}    jumbo  default`,
        `${READ_SCALING}  pulse  none      3`,
        "",
      ].join("\n"),
    );
    ducklingConfig = freshConfig();
    expect((await runCli(["ducklings", "get", "svc_etl"], env())).stdout).toContain(`${READ_WRITE}    standard  10m`);
  });

  it("--json: the configuration as the API gave it", async () => {
    ducklingConfig = freshConfig();
    const result = await runCli(["ducklings", "get", "svc_etl", "--json"], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(freshConfig());
  });
});

describe("ducklings set", () => {
  it("merges the flags into the configuration it read, writes it all back and shows the answer", async () => {
    ducklingConfig = freshConfig();
    const result = await runCli(
      ["ducklings", "set", "svc_etl", "--size", JUMBO, "--flock-size", "4", "--read-scaling-size", STANDARD],
      env(),
    );
    expect(result.code).toBe(0);
    expect(sent()).toEqual(["GET /v1/users/svc_etl/instances", "PUT /v1/users/svc_etl/instances"]);
    expect(server.requests[1]!.json).toEqual({
      config: {
        [READ_WRITE]: { instance_size: JUMBO, cooldown_seconds: 600 },
        [READ_SCALING]: { instance_size: STANDARD, flock_size: 4 },
      },
    });
    expect(result.stdout).toBe(
      [
        "HALF          SIZE      COOLDOWN  FLOCK",
        `${READ_WRITE}    jumbo     10m`,
        `${READ_SCALING}  standard  default   4`,
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe("Updated the Duckling configuration of svc_etl.\n");
  });

  it("--cooldown and --read-scaling-cooldown take durations; --json shows the answer as JSON", async () => {
    ducklingConfig = freshConfig();
    const result = await runCli(
      [
        "ducklings",
        "set",
        "svc_etl",
        "--cooldown",
        "1h",
        "--read-scaling-size",
        JUMBO,
        "--read-scaling-cooldown",
        "90s",
        "--json",
      ],
      env(),
    );
    expect(result.code).toBe(0);
    const written = {
      [READ_WRITE]: { instance_size: STANDARD, cooldown_seconds: 3600 },
      [READ_SCALING]: { instance_size: JUMBO, flock_size: 2, cooldown_seconds: 90 },
    };
    expect(server.requests[1]!.json).toEqual({ config: written });
    expect(JSON.parse(result.stdout)).toEqual(written);
  });

  it("--size pulse drops the cooldown the Duckling had", async () => {
    ducklingConfig = freshConfig();
    const result = await runCli(["ducklings", "set", "svc_etl", "--size", PULSE], env());
    expect(result.code).toBe(0);
    expect(server.requests[1]!.json).toEqual({
      config: { [READ_WRITE]: { instance_size: PULSE }, [READ_SCALING]: { instance_size: PULSE, flock_size: 2 } },
    });
    expect(result.stdout).toContain(`${READ_WRITE}    pulse  none`);
  });

  const refusals: Array<[string, string[], RegExp]> = [
    [
      "no flag at all",
      [],
      /^error: ducklings set needs at least one of --size, --cooldown, --read-scaling-size, --read-scaling-cooldown, --flock-size$/m,
    ],
    [
      "an unknown size",
      ["--size", "huge"],
      /^error: --size must be one of pulse, standard, jumbo, mega, giga, not "huge"$/m,
    ],
    [
      "an unknown read-scaling size",
      ["--read-scaling-size", "x\u001b[31m"],
      /^error: --read-scaling-size must be one of .*, not "x\\e\[31m"$/m,
    ],
    [
      "a cooldown under the spec's minimum",
      ["--cooldown", "30s"],
      /^error: --cooldown: 30s is outside the allowed range, 1m to 1d$/m,
    ],
    [
      "a cooldown that is not a duration",
      ["--read-scaling-cooldown", "soon"],
      /^error: --read-scaling-cooldown: "soon" is not a duration/m,
    ],
    [
      "a cooldown with --size pulse",
      ["--size", PULSE, "--cooldown", "5m"],
      /^error: --cooldown cannot be set with --size pulse: a Pulse Duckling takes no cooldown$/m,
    ],
    [
      "a read-scaling cooldown with --read-scaling-size pulse",
      ["--read-scaling-size", PULSE, "--read-scaling-cooldown", "5m"],
      /^error: --read-scaling-cooldown cannot be set with --read-scaling-size pulse/m,
    ],
    [
      "a flock over the spec's maximum",
      ["--flock-size", "65"],
      /^error: --flock-size must be a number from 0 to 64, not "65"$/m,
    ],
    ["a flock that is not a number", ["--flock-size", "-1"], /^error: --flock-size needs a value/m],
    [
      "a flock that is a word",
      ["--flock-size", "four"],
      /^error: --flock-size must be a number from 0 to 64, not "four"$/m,
    ],
  ];
  for (const [label, flags, message] of refusals) {
    it(`${label}: exit 2 in flag words, nothing sent`, async () => {
      const result = await runCli(["ducklings", "set", "svc_etl", ...flags], env());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/change\.|body\.|instance_size|cooldown_seconds|flock_size|STACK/);
      expect(result.stderr).not.toMatch(RAW_CONTROL);
      expect(result.stderr).not.toMatch(STACK_TRACE);
      expect(server.requests).toEqual([]);
    });
  }

  it("--cooldown on a Duckling that already is pulse: read, refused in flag words, nothing written", async () => {
    ducklingConfig = { ...freshConfig(), [READ_WRITE]: { instance_size: PULSE } };
    const result = await runCli(["ducklings", "set", "svc_etl", "--cooldown", "5m"], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: --cooldown cannot be set: the ${READ_WRITE} Duckling of svc_etl is pulse, which takes no cooldown; give --size with another size as well\\. Nothing was changed\\.$`,
        "m",
      ),
    );
    expect(sent()).toEqual(["GET /v1/users/svc_etl/instances"]);
  });

  it("a cooldown the server reports on a pulse half blocks no change, and no flag nobody gave is blamed", async () => {
    ducklingConfig = {
      ...freshConfig(),
      [READ_SCALING]: { instance_size: PULSE, flock_size: 1, cooldown_seconds: 60 },
    };
    const result = await runCli(["ducklings", "set", "svc_etl", "--size", JUMBO], env());
    expect(result.stderr).not.toMatch(/--read-scaling-cooldown/);
    expect(result.code, result.stderr).toBe(0);
    expect(sent()).toEqual(["GET /v1/users/svc_etl/instances", "PUT /v1/users/svc_etl/instances"]);
    expect(ducklingConfig[READ_SCALING]).toEqual({ instance_size: PULSE, flock_size: 1 });
    expect(ducklingConfig[READ_WRITE]).toEqual({ instance_size: JUMBO, cooldown_seconds: 600 });
  });
});

describe("accounts active", () => {
  it("one row per Duckling, control characters escaped, and a preview note on stderr", async () => {
    const result = await runCli(["accounts", "active"], env());
    expect(result.code).toBe(0);
    expect(sent()).toEqual(["GET /v1/active_accounts"]);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    const rows = result.stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^USERNAME +DUCKLING +TYPE +STATUS$/);
    expect(rows[1]).toMatch(new RegExp(`^svc_etl +rw +${READ_WRITE} +active$`));
    expect(rows[2]).toMatch(new RegExp(`^svc_etl +rs\\.0 +${READ_SCALING} +cooldown$`));
    expect(rows[3]).toMatch(/^svc\\e\[2K\\r\\e\[31mFAKE\\x07\\ncsi\\u009b2J +rw +/);
    expect(result.stderr).toMatch(/preview endpoint/);
  });

  it("--json: the accounts as the API gave them", async () => {
    const result = await runCli(["accounts", "active", "--json"], env());
    expect(result.code).toBe(0);
    const accounts = JSON.parse(result.stdout);
    expect(accounts.map((a: { username: string }) => a.username)).toEqual(["svc_etl", HOSTILE]);
    expect(result.stderr).toMatch(/preview endpoint/);
  });
});

describe("dives embed-session", () => {
  const mint = ["dives", "embed-session", DIVE, "--username", "svc_etl"];

  it("prints the session alone on stdout, and the status line on stderr after it", async () => {
    const result = await runCli([...mint, "--session-name", "customer_42"], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${SESSION}\n`);
    expect(sent()).toEqual([`POST /v1/dives/${DIVE}/embed-session`]);
    expect(server.requests[0]!.json).toEqual({ username: "svc_etl", session_name: "customer_42" });
    expect(result.stderr).toBe(
      `Minted an embed session for svc_etl on Dive ${DIVE} (session name "customer_42"); it works for 24 hours. Its secret is on stdout.\n`,
    );
  });

  it('--json: the document { "session": … } is what goes to stdout', async () => {
    const result = await runCli([...mint, "--json"], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ session: SESSION });
    expect(server.requests[0]!.json).toEqual({ username: "svc_etl" });
    expect(result.stderr).not.toContain("Its secret is on stdout");
    expect(result.stderr).not.toContain(SESSION);
  });

  it("| true: says plainly the session was not delivered, cannot be revoked and expires within 24 hours; exit 1", async () => {
    const result = await runCli(mint, env(), 15_000, "reader-gone");
    expect(result.code).toBe(1);
    expect(sent()).toEqual([`POST /v1/dives/${DIVE}/embed-session`]);
    expect(result.stderr).toBe(
      `error: the embed session for svc_etl on Dive ${DIVE} could not be written to stdout (EPIPE), so it was not delivered.\n` +
        "The API cannot revoke an embed session: it expires within 24 hours, and nothing else can be done about it.\n",
    );
  });

  it(">&- (fd 1 closed): exits 2 before anything is minted", async () => {
    const result = await runCli(mint, env(), 15_000, "closed");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /stdout is closed or \/dev\/null, so the new secret would be lost; nothing was created/,
    );
    expect(server.requests).toEqual([]);
  });

  const refusals: Array<[string, string[], RegExp]> = [
    [
      "no --username",
      ["dives", "embed-session", DIVE],
      /^error: dives embed-session needs --username <service-account>$/m,
    ],
    [
      "a Dive id that is not a UUID",
      ["dives", "embed-session", "dive-1", "--username", "svc"],
      /^error: <dive-id> must be a UUID$/m,
    ],
    ["an empty --session-name", [...mint, "--session-name="], /^error: --session-name must be at least 1 character/m],
    [
      "a --username over the spec's length",
      ["dives", "embed-session", DIVE, "--username", "s".repeat(300)],
      /^error: --username must be at most 255 characters long$/m,
    ],
  ];
  for (const [label, args, message] of refusals) {
    it(`${label}: exit 2 in flag words, nothing sent`, async () => {
      const result = await runCli(args, env());
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/body\.|session_name|dive_id/);
      expect(server.requests).toEqual([]);
    });
  }
});

describe("help and suggestions for the new commands", () => {
  const pages = [
    ["users", "list"],
    ["ducklings"],
    ["ducklings", "get"],
    ["ducklings", "set"],
    ["accounts"],
    ["accounts", "active"],
    ["dives"],
    ["dives", "embed-session"],
  ];

  it("help <command> and <command> --help print the same page, and the overview lists every command", async () => {
    const overview = (await runCli(["help"])).stdout;
    for (const topic of pages) {
      const viaHelp = await runCli(["help", ...topic]);
      expect(viaHelp.code, topic.join(" ")).toBe(0);
      expect(viaHelp.stdout).toMatch(topic.length > 1 ? `Usage: motherduck-rest ${topic.join(" ")}` : /Usage/);
      expect(viaHelp.stdout).toBe((await runCli([...topic, "--help"])).stdout);
      if (topic.length > 1) expect(overview).toContain(`motherduck-rest ${topic.join(" ")} `);
    }
    // Two CLI processes per page, one after the other: a busy 2-core machine needs more than the default bound.
  }, 120_000);

  it("ducklings set --help names the spec's sizes and bounds", async () => {
    const { stdout } = await runCli(["ducklings", "set", "--help"]);
    expect(stdout).toContain(Object.values(enums.instance_size).join("|"));
    expect(stdout).toContain("from 1m to 1d");
    expect(stdout).toContain("a number from 0 to 64");
  });

  const typos: Array<[string[], string]> = [
    [["duckling", "get", "svc"], 'unknown command "duckling" (did you mean "ducklings get"?)'],
    [["ducklings", "gte", "svc"], 'unknown command "ducklings gte" (did you mean "ducklings get"?)'],
    [["users", "lst"], 'unknown command "users lst" (did you mean "users list"?)'],
    [["acounts", "active"], 'unknown command "acounts" (did you mean "accounts active"?)'],
  ];
  for (const [args, message] of typos) {
    it(`${args.join(" ")}: suggests, exit 2`, async () => {
      const result = await runCli(args, env());
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(server.requests).toEqual([]);
    });
  }
});
