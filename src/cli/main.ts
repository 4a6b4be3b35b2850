// argv → client → output. Each command parses its own options, calls the library and prints the result.
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { createMotherDuckClient } from "../client.js";
import type { MotherDuckClient } from "../client.js";
import { startEmulator } from "../emulator/index.js";
import type { CreateTokenBody, TokenType } from "../types.js";
import { parseDuration } from "./duration.js";
import { HELP } from "./help.js";
import { VERSION } from "../generated/version.js";
import { EXIT_OK, EXIT_REFUSED, UsageError, describeFailure, exitCodeFor, tokenTable } from "./output.js";
import type { Io } from "./output.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

interface Command {
  options: Options;
  positionals: string[];
  run(args: { values: Values; positionals: string[]; io: Io; client: () => MotherDuckClient }): Promise<void>;
}

const common: Options = { "base-url": { type: "string" }, help: { type: "boolean", short: "h" } };

const commands: Record<string, Command> = {
  "tokens create": {
    options: {
      name: { type: "string" },
      ttl: { type: "string" },
      "no-expiry": { type: "boolean" },
      type: { type: "string" },
      json: { type: "boolean" },
    },
    positionals: ["username"],
    async run({ values, positionals: [username], io, client }) {
      if (values.name === undefined) throw new UsageError("tokens create needs --name <name>");
      if (values.ttl !== undefined && values["no-expiry"]) throw new UsageError("give --ttl or --no-expiry, not both");
      if (values.ttl === undefined && !values["no-expiry"]) {
        throw new UsageError(
          "choose the token's lifetime: --ttl <duration> (such as 1h or 30d), or --no-expiry for a token that never expires",
        );
      }
      const body: CreateTokenBody = { name: values.name as string };
      if (typeof values.ttl === "string") {
        const ttl = parseDuration(values.ttl);
        if ("error" in ttl) throw new UsageError(`--ttl: ${ttl.error}`);
        body.ttl = ttl.seconds;
      }
      if (values.type !== undefined) body.token_type = values.type as TokenType;
      const token = await client().tokens.create(username!, body);
      io.stdout(values.json ? `${JSON.stringify(token, null, 2)}\n` : `${token.token}\n`);
      io.stderr(
        `Created ${token.token_type} token ${token.id}${token.name ? ` "${token.name}"` : ""} for ${username}, ` +
          `expiring ${token.expire_at ?? "never"}.${values.json ? "" : " Its secret is on stdout and is shown only once."}\n`,
      );
    },
  },
  "tokens list": {
    options: { json: { type: "boolean" } },
    positionals: ["username"],
    async run({ values, positionals: [username], io, client }) {
      const tokens = await client().tokens.list(username!);
      if (values.json) io.stdout(`${JSON.stringify(tokens, null, 2)}\n`);
      else if (tokens.length) io.stdout(tokenTable(tokens));
      else io.stderr(`${username} has no tokens.\n`);
    },
  },
  "tokens delete": {
    options: {},
    positionals: ["username", "token-id"],
    async run({ positionals: [username, tokenId], io, client }) {
      await client().tokens.delete(username!, tokenId!);
      io.stderr(`Revoked token ${tokenId} of ${username}.\n`);
    },
  },
  "users create-service-account": {
    options: {},
    positionals: ["username"],
    async run({ positionals: [username], io, client }) {
      const account = await client().users.createServiceAccount(username!);
      io.stderr(`Created service account ${account.username}. MotherDuck cannot list it later: keep the name.\n`);
    },
  },
  "users delete": {
    options: { yes: { type: "boolean" } },
    positionals: ["username"],
    async run({ values, positionals: [username], io, client }) {
      if (!values.yes) {
        throw new UsageError(`users delete permanently deletes ${username}, their data and tokens: confirm with --yes`);
      }
      const deleted = await client().users.delete(username!);
      io.stderr(`Deleted user ${deleted.username}.\n`);
    },
  },
  emulator: {
    options: { port: { type: "string" }, host: { type: "string" } },
    positionals: [],
    async run({ values, io }) {
      const port = values.port === undefined ? 4010 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError("--port takes a port number");
      const emulator = await startEmulator({ port, ...(typeof values.host === "string" && { host: values.host }) });
      io.stdout(
        `MotherDuck REST API emulator listening on ${emulator.url}\n` +
          `export MOTHERDUCK_API_BASE_URL=${emulator.url}\n` +
          `export MOTHERDUCK_TOKEN=${emulator.adminToken}  # alice, Admin of acme\n` +
          `# bob, Member of acme: ${emulator.memberToken}\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      await emulator.close();
      io.stderr("emulator stopped\n");
    },
  },
};

const GROUPS = new Set(["tokens", "users"]);

function commandName(argv: string[]): string {
  const [first, second] = argv;
  if (first === undefined || first.startsWith("-")) return "";
  if (GROUPS.has(first)) return second === undefined || second.startsWith("-") ? first : `${first} ${second}`;
  return first;
}

/** Runs the CLI and resolves to its exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  try {
    const name = commandName(argv);
    const command = commands[name];
    if (!command) {
      if (argv.includes("--version")) {
        io.stdout(`motherduck-rest ${VERSION}\n`);
        return EXIT_OK;
      }
      const groupHelp = HELP[name];
      if (argv.includes("--help") || argv.includes("-h")) {
        if (groupHelp === undefined) throw new UsageError(`unknown command "${name}"`);
        io.stdout(groupHelp);
        return EXIT_OK;
      }
      if (groupHelp !== undefined) {
        // A bare group, or nothing at all: show what there is, as a usage error.
        io.stderr(groupHelp);
        return EXIT_REFUSED;
      }
      throw new UsageError(`unknown command "${name}"`);
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: argv.slice(name.split(" ").length),
        options: { ...common, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (parsed.values.help) {
      io.stdout(HELP[name]!);
      return EXIT_OK;
    }
    if (parsed.positionals.length !== command.positionals.length) {
      const expected = command.positionals.map((p) => `<${p}>`).join(" ") || "no arguments";
      throw new UsageError(`${name} takes ${expected}`);
    }
    const baseUrl = parsed.values["base-url"];
    const client = () =>
      createMotherDuckClient({
        ...(typeof baseUrl === "string" && { baseUrl }),
        logger: { warn: (message) => io.stderr(`warning: ${message}\n`) },
      });
    await command.run({ values: parsed.values, positionals: parsed.positionals, io, client });
    return EXIT_OK;
  } catch (error) {
    io.stderr(describeFailure(error));
    return exitCodeFor(error);
  }
}
