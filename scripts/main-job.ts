// `npm start`: the main job of this library, step by step: service accounts and their tokens, minted,
// listed, rotated and revoked, and one call the scope rules refuse. By default it runs against the local
// emulator, started in this process; with --live it runs the same steps against the real API.
//
//   npm start
//   MOTHERDUCK_TOKEN=<an Admin read/write token> npm start -- --live [--member <a member's username>]
import { randomBytes } from "node:crypto";
import {
  AuthenticationError,
  MotherDuckError,
  PermissionDeniedError,
  TokenScopeError,
  createMotherDuckClient,
} from "../src/index.js";
import type { MotherDuckClient, Token } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import { enums } from "../src/rules.js";
import { parseFlags, UsageError } from "../src/cli/args.js";

const USAGE = `Usage: npm start [-- --live [--member <username>]]

Walks through the main job of motherduck-rest: service accounts and their tokens, minted, listed,
rotated and revoked, and one call the scope rules refuse.

  (no flags)            run against a local emulator started in this process; no account needed
  --live                run against the real API, with an Admin read/write token in MOTHERDUCK_TOKEN
  --member <username>   a member (not a service account) to show the S3 refusal on (emulator: bob)
  --help, -h            print this
`;

function readFlags() {
  try {
    const { values, positionals } = parseFlags(process.argv.slice(2), {
      live: { type: "boolean" },
      member: { type: "string" },
      help: { type: "boolean", short: "h" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}": npm start takes flags only`);
    return values;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\nRun "npm start -- --help" for usage.\n`);
    process.exit(2);
  }
}

const values = readFlags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const say = (line = "") => console.log(line);
const step = (n: number, title: string) => say(`\n${n}. ${title}`);
const shorten = (secret: string) => `${secret.slice(0, 8)}…${secret.slice(-4)}`;
const describe = (t: Token) =>
  `${t.token_type} token ${t.id}, "${t.name}", expires ${t.expire_at ?? "never"}, secret ${shorten(t.token)}`;

async function mainJob(
  md: MotherDuckClient,
  signInAs: (token: string) => MotherDuckClient,
  memberToRefuse: string | undefined,
  suffix: string,
) {
  const etl = `etl_demo${suffix}`;
  const bi = `bi_demo${suffix}`;
  const made: string[] = [];
  try {
    step(1, `Create a service account, "${etl}": a user that programs sign in as.`);
    await md.users.createServiceAccount(etl);
    made.push(etl);
    say(`   created. MotherDuck cannot list service accounts later, so keep the name.`);

    step(2, "Mint it a read/write token, valid for one hour. The API shows a secret only once; it is shortened here.");
    const readWrite = await md.tokens.create(etl, { name: "nightly-load", ttl: 3600 });
    say(`   ${describe(readWrite)}`);

    step(3, "Mint read-scaling tokens: read-only tokens for read replicas.");
    const scaling = await md.tokens.create(etl, { name: "dashboards", token_type: enums.token_type.read_scaling });
    say(`   for ${etl}: ${describe(scaling)}`);
    say(`   No warning: ${etl} holds a read/write token. Now for "${bi}", a service account that has none yet:`);
    await md.users.createServiceAccount(bi);
    made.push(bi);
    await md.tokens.create(bi, { name: "reports", token_type: enums.token_type.read_scaling });
    say(`   (${bi}'s read-scaling token will work once it has connected with a read/write token: rule S5.)`);

    step(4, `List ${etl}'s tokens. A list never shows secrets.`);
    for (const t of await md.tokens.list(etl)) {
      say(`   ${t.id}  ${(t.name ?? "").padEnd(14)} ${t.token_type.padEnd(12)} expires ${t.expire_at ?? "never"}`);
    }

    step(5, "Rotate the read/write token: the new one is created first, then the old one is revoked.");
    const rotated = await md.tokens.rotate(etl, readWrite.id);
    say(`   new: ${describe(rotated)}`);
    try {
      await signInAs(readWrite.token).tokens.list(etl);
      say(`   old: ${readWrite.id} still works!`);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      say(`   old: ${readWrite.id} is refused now (${error.status} ${error.code}).`);
    }

    step(6, "Revoke the read-scaling token.");
    await md.tokens.delete(etl, scaling.id);
    say(`   revoked ${scaling.id}; ${etl} now has ${(await md.tokens.list(etl)).length} token(s).`);

    step(
      7,
      `Try to mint a token for ${memberToRefuse ? `"${memberToRefuse}"` : "a member"}, who is not a service account.`,
    );
    if (!memberToRefuse) {
      say("   skipped: pass --member <username> to try this against the real API.");
      return;
    }
    try {
      await md.tokens.create(memberToRefuse, { name: "not-allowed", ttl: 3600 });
      say("   unexpectedly allowed!");
    } catch (error) {
      if (!(error instanceof PermissionDeniedError || error instanceof TokenScopeError)) throw error;
      say(`   refused, as it should be: ${error.message.split("\n")[0]}`);
      say(
        "   why: MotherDuck mints tokens only for yourself or for your organization's service accounts. Not even an Admin",
      );
      say("   can mint a token for another member, since that would let one person act as another (rule S3).");
    }
  } finally {
    if (made.length) {
      step(8, "Clean up: delete the service accounts, with their tokens.");
      for (const username of made.reverse()) {
        await md.users.delete(username);
        say(`   deleted ${username}`);
      }
    }
  }
}

const logger = { warn: (message: string) => say(`   warning from the client: ${message}`) };

try {
  if (values.live) {
    if (!process.env.MOTHERDUCK_TOKEN && !process.env.motherduck_token) {
      throw new Error("--live needs an Admin read/write token in MOTHERDUCK_TOKEN");
    }
    const md = createMotherDuckClient({ logger });
    say("Running against the real MotherDuck API with the token in MOTHERDUCK_TOKEN.");
    const signInAs = (token: string) => createMotherDuckClient({ token, maxRetries: 0 });
    await mainJob(md, signInAs, values.member as string | undefined, `_${randomBytes(3).toString("hex")}`);
  } else {
    const emulator = await startEmulator();
    try {
      say(`Started a local MotherDuck API emulator at ${emulator.url} (no account or network needed).`);
      say(`Signed in as alice, an Admin of organization "acme". bob is an ordinary member of acme.`);
      const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger });
      const signInAs = (token: string) => createMotherDuckClient({ baseUrl: emulator.url, token, maxRetries: 0 });
      await mainJob(md, signInAs, (values.member as string | undefined) ?? "bob", "");
    } finally {
      await emulator.close();
    }
  }
  say("\nDone.");
} catch (error) {
  console.error(
    `\nFailed: ${error instanceof MotherDuckError || error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
