// The command table: each entry names its flags and arguments and runs one library call. A new command is
// one more entry here and one more page in help.ts.
import type { MotherDuckClient } from "../client.js";
import { TokenRotationError } from "../errors.js";
import type { ApiError } from "../errors.js";
import { enums } from "../rules.js";
import type { CreateTokenBody, DucklingConfig, RotateTokenBody, Token, TokenType } from "../types.js";
import type { FlagSpec, FlagValues } from "./args.js";
import { UsageError } from "./args.js";
import { activeAccountTable, PREVIEW_NOTE } from "./accounts.js";
import { deliverEmbedSession, deliverSecret, EMBED_SESSION_LIFETIME, ensureSecretCanBeDelivered } from "./deliver.js";
import type { Output } from "./deliver.js";
import { parseDuration } from "./duration.js";
import {
  CHANGE_FLAGS,
  DUCKLING_ISSUE_PATHS,
  ducklingChange,
  ducklingTable,
  pulseCooldownInFlags,
} from "./ducklings.js";
import { runEmulator } from "./emulator-command.js";
import { emulatorControlCommands } from "./emulator-control.js";
import { EXIT_FAILED, ReportedFailure, tokenTable } from "./output.js";
import { shellQuote } from "./shell.js";
import { tenantsCommands } from "./tenants.js";
import { userTable, usersFilter } from "./users.js";
import { jsonText, line } from "../printable.js";

export interface CommandContext {
  values: FlagValues;
  positionals: string[];
  out: Output;
  client(): MotherDuckClient;
}

export interface Command {
  flags: FlagSpec;
  /** The names of its arguments, in order; each is required. */
  positionals: string[];
  /** The last argument may be given more than once (`tenants remove <service-account>...`). */
  variadic?: boolean;
  /** How this command names the library's issue paths, where the shared names (output.ts) do not fit. */
  issuePaths?: Record<string, string>;
  /** The hint for an API error, where the library's does not fit this command; undefined keeps the library's. */
  hint?: (error: ApiError) => string | undefined;
  /**
   * For a command that writes: what to run to learn whether the write happened, printed when Ctrl-C stops it
   * mid-call (its request may have reached the API already).
   */
  afterInterrupt?: (positionals: string[]) => string;
  run(context: CommandContext): Promise<void>;
}

/** What to run after an interrupted write to `username`'s tokens. */
const checkTokens = ([username]: string[]) => `check with: motherduck-rest tokens list ${shellQuote(username!)}`;

const json = { json: { type: "boolean" } } as const;
const lifetime = { ttl: { type: "string" }, "no-expiry": { type: "boolean" } } as const;
const TOKEN_TYPES = Object.values(enums.token_type);

function tokenType(values: FlagValues): TokenType | undefined {
  if (values.type === undefined) return undefined;
  if (!TOKEN_TYPES.includes(values.type as TokenType)) {
    throw new UsageError(line`--type must be ${TOKEN_TYPES.join(" or ")}, not "${values.type}"`);
  }
  return values.type as TokenType;
}

function ttlSeconds(values: FlagValues): number | undefined {
  if (values.ttl !== undefined && values["no-expiry"]) throw new UsageError("give --ttl or --no-expiry, not both");
  if (typeof values.ttl !== "string") return undefined;
  const ttl = parseDuration(values.ttl);
  if ("error" in ttl) throw new UsageError(line`--ttl: ${ttl.error}`);
  return ttl.seconds;
}

function describeToken(token: Token, username: string): string {
  return (
    line`${token.token_type} token ${token.id}` +
    (token.name ? line` "${token.name}"` : "") +
    line` for ${username}, expiring ${token.expire_at ?? "never"}`
  );
}

function causeOf(error: TokenRotationError): string {
  return error.cause instanceof Error ? error.cause.message.split("\n")[0]! : String(error.cause);
}

function secretNote(json: boolean | string | undefined): string {
  return json ? "" : " Its secret is on stdout and is shown only once.";
}

/** With --no-expiry, rotation keeps a lifetime only when the old token has none: the library inherits it. */
async function refuseExpiringOldToken(md: MotherDuckClient, username: string, tokenId: string): Promise<void> {
  const old = (await md.tokens.list(username)).find((token) => token.id === tokenId);
  if (old?.expire_at) {
    throw new UsageError(
      line`token ${tokenId} expires (${old.expire_at}), and rotation keeps the old token's lifetime unless --ttl is given; ` +
        "it cannot make a token that never expires. Nothing was created. For one that never expires, run " +
        line`"motherduck-rest tokens create ${shellQuote(username)} --name <name> --no-expiry", then "tokens delete" the old one.`,
    );
  }
}

/** A configuration as `ducklings get` and `ducklings set` show it. */
async function showDucklingConfig(out: Output, config: DucklingConfig, json: unknown): Promise<void> {
  await out.result(json ? jsonText(config) : ducklingTable(config));
}

/** Delivers a token's secret; one that cannot be delivered is revoked, since nobody holds it. */
function deliverToken(
  out: Output,
  md: MotherDuckClient,
  username: string,
  token: Token,
  json: boolean,
  alsoNote?: string,
) {
  return deliverSecret({ out, token, username, json, revoke: () => md.tokens.delete(username, token.id), alsoNote });
}

export const commands: Record<string, Command> = {
  "tokens create": {
    flags: {
      name: { type: "string" },
      ...lifetime,
      type: { type: "string" },
      description: { type: "string" },
      ...json,
    },
    positionals: ["username"],
    issuePaths: { "body.description": "--description" },
    afterInterrupt: checkTokens,
    async run({ values, positionals: [username], out, client }) {
      if (values.name === undefined) throw new UsageError("tokens create needs --name <name>");
      const ttl = ttlSeconds(values);
      if (ttl === undefined && !values["no-expiry"]) {
        throw new UsageError(
          "choose the token's lifetime: --ttl <duration> (such as 1h or 30d), or --no-expiry for a token that never expires",
        );
      }
      const token_type = tokenType(values);
      const body: CreateTokenBody = {
        name: values.name as string,
        ...(ttl !== undefined && { ttl }),
        ...(token_type && { token_type }),
        ...(typeof values.description === "string" && { description: values.description }),
      };
      ensureSecretCanBeDelivered(out);
      const md = client();
      const token = await md.tokens.create(username!, body);
      await deliverToken(out, md, username!, token, Boolean(values.json));
      out.say(`Created ${describeToken(token, username!)}.${secretNote(values.json)}\n`);
    },
  },
  "tokens rotate": {
    flags: { name: { type: "string" }, ...lifetime, type: { type: "string" }, ...json },
    positionals: ["username", "token-id"],
    afterInterrupt: checkTokens,
    async run({ values, positionals: [username, tokenId], out, client }) {
      const ttl = ttlSeconds(values);
      const token_type = tokenType(values);
      const body: RotateTokenBody = {
        ...(typeof values.name === "string" && { name: values.name }),
        ...(ttl !== undefined && { ttl }),
        ...(token_type && { token_type }),
      };
      ensureSecretCanBeDelivered(out);
      const md = client();
      if (values["no-expiry"]) await refuseExpiringOldToken(md, username!, tokenId!);
      // The new secret is delivered between creating the new token and revoking the old one, so that a secret
      // which cannot be delivered leaves the old token working: the new one is revoked, the old one kept.
      let undeliverable: ReportedFailure | undefined;
      const deliverNew = async (token: Token) => {
        try {
          const kept = line`The old token ${tokenId} was not revoked: it is still live and still works.`;
          await deliverToken(out, md, username!, token, Boolean(values.json), kept);
        } catch (failure) {
          if (failure instanceof ReportedFailure) undeliverable = failure;
          throw failure;
        }
      };
      let token: Token;
      try {
        token = await md.tokens.rotate(username!, tokenId!, body, { beforeRevoke: deliverNew });
      } catch (error) {
        if (!(error instanceof TokenRotationError)) throw error;
        if (undeliverable) throw undeliverable;
        out.say(
          `error: rotated: created ${describeToken(error.newToken, username!)}.${secretNote(values.json)}\n` +
            line`But revoking the old token ${tokenId} failed, so it is still live: ${causeOf(error)}` +
            "\n" +
            `Deploy the new secret, then revoke the old token with:\n` +
            `  motherduck-rest tokens delete ${line`${shellQuote(username!)} ${shellQuote(tokenId!)}`}\n`,
        );
        throw new ReportedFailure(EXIT_FAILED);
      }
      out.say(
        line`Rotated token ${tokenId}: revoked it after creating ` +
          `${describeToken(token, username!)}.${secretNote(values.json)}\n`,
      );
    },
  },
  "tokens list": {
    flags: json,
    positionals: ["username"],
    async run({ values, positionals: [username], out, client }) {
      const tokens = await client().tokens.list(username!);
      if (values.json) await out.result(jsonText(tokens));
      else if (tokens.length) await out.result(tokenTable(tokens));
      else out.say(line`${username} has no tokens.` + "\n");
    },
  },
  "tokens delete": {
    flags: json,
    positionals: ["username", "token-id"],
    afterInterrupt: checkTokens,
    async run({ values, positionals: [username, tokenId], out, client }) {
      await client().tokens.delete(username!, tokenId!);
      if (values.json) await out.result(jsonText({ revoked: tokenId, username }));
      out.say(line`Revoked token ${tokenId} of ${username}.` + "\n");
    },
  },
  "users create-service-account": {
    flags: json,
    positionals: ["username"],
    afterInterrupt: () => "check with: motherduck-rest users list --service-accounts",
    async run({ values, positionals: [username], out, client }) {
      const account = await client().users.createServiceAccount(username!);
      if (values.json) await out.result(jsonText(account));
      out.say(
        line`Created service account ${account.username}.` +
          ' "motherduck-rest users list --service-accounts" lists it with the others.\n',
      );
    },
  },
  "users delete": {
    flags: { yes: { type: "boolean" }, ...json },
    positionals: ["username"],
    afterInterrupt: () => "check with: motherduck-rest users list",
    async run({ values, positionals: [username], out, client }) {
      if (!values.yes) {
        throw new UsageError(
          line`users delete permanently deletes ${username}, their data and tokens: confirm with --yes`,
        );
      }
      const deleted = await client().users.delete(username!);
      if (values.json) await out.result(jsonText(deleted));
      out.say(line`Deleted user ${deleted.username}.` + "\n");
    },
  },
  "users list": {
    flags: { "service-accounts": { type: "boolean" }, humans: { type: "boolean" }, ...json },
    positionals: [],
    async run({ values, out, client }) {
      const users = await client().users.list(usersFilter(values));
      if (values.json) await out.result(jsonText(users));
      else if (users.length) await out.result(userTable(users));
      else out.say("No users match.\n");
    },
  },
  "ducklings get": {
    flags: json,
    positionals: ["username"],
    async run({ values, positionals: [username], out, client }) {
      await showDucklingConfig(out, await client().ducklings.get(username!), values.json);
    },
  },
  "ducklings set": {
    flags: { ...Object.fromEntries(CHANGE_FLAGS.map((flag) => [flag, { type: "string" } as const])), ...json },
    positionals: ["username"],
    issuePaths: DUCKLING_ISSUE_PATHS,
    afterInterrupt: ([username]) => `check with: motherduck-rest ducklings get ${shellQuote(username!)}`,
    async run({ values, positionals: [username], out, client }) {
      const change = ducklingChange(values);
      const config = await client()
        .ducklings.update(username!, change)
        .catch((error: unknown) => {
          throw pulseCooldownInFlags(error, change, username!);
        });
      await showDucklingConfig(out, config, values.json);
      out.say(line`Updated the Duckling configuration of ${username}.` + "\n");
    },
  },
  "accounts active": {
    flags: json,
    positionals: [],
    async run({ values, out, client }) {
      out.say(PREVIEW_NOTE);
      const accounts = await client().accounts.listActive();
      if (values.json) await out.result(jsonText(accounts));
      else if (accounts.length) await out.result(activeAccountTable(accounts));
      else out.say("No account has a running Duckling.\n");
    },
  },
  "dives embed-session": {
    flags: { username: { type: "string" }, "session-name": { type: "string" }, ...json },
    positionals: ["dive-id"],
    issuePaths: { "body.username": "--username", "body.session_name": "--session-name", dive_id: "<dive-id>" },
    // No call lists embed sessions, and none revokes one: a session minted unseen simply expires.
    afterInterrupt: () =>
      `an embed session that was minted is held by nobody and expires within ${EMBED_SESSION_LIFETIME}`,
    async run({ values, positionals: [diveId], out, client }) {
      const { username, "session-name": sessionName } = values;
      if (typeof username !== "string") throw new UsageError("dives embed-session needs --username <service-account>");
      ensureSecretCanBeDelivered(out);
      const session = await client().dives.createEmbedSession(diveId!, {
        username,
        ...(typeof sessionName === "string" && { session_name: sessionName }),
      });
      await deliverEmbedSession({ out, session, username, diveId: diveId!, json: Boolean(values.json) });
      out.say(
        line`Minted an embed session for ${username} on Dive ${diveId}` +
          (typeof sessionName === "string" ? line` (session name "${sessionName}")` : "") +
          `; it works for ${EMBED_SESSION_LIFETIME}.${values.json ? "" : " Its secret is on stdout."}\n`,
      );
    },
  },
  ...tenantsCommands,
  emulator: {
    flags: { port: { type: "string" }, host: { type: "string" }, "rate-limit": { type: "string" } },
    positionals: [],
    run: ({ values, out }) => runEmulator(values, out),
  },
  ...emulatorControlCommands,
};

/** Command groups: the first word of a two-word command. */
export const GROUPS = new Set(
  Object.keys(commands).flatMap((name) => (name.includes(" ") ? [name.split(" ")[0]!] : [])),
);
