// `npm start`: MotherDuck's provisioning guide, step by step, with this library: a service account, its
// token, its Ducklings sized, found again in the user list, seen among the active accounts, a Dive embed
// session minted for it; then its tokens listed, rotated and revoked, one call the scope rules refuse; three
// customers provisioned as declared tenants (applied, applied again, one token renamed and pruned, one
// customer removed), and the clean-up. By default it runs against the local emulator, started in this process; with --live it runs
// the same steps against the real API.
//
//   npm start
//   MOTHERDUCK_TOKEN=<an Admin read/write token> [DIVE_ID=<a Dive's id>] npm start -- --live [--member <username>]
import { randomBytes, randomUUID } from "node:crypto";
import {
  AuthenticationError,
  MotherDuckError,
  PermissionDeniedError,
  TokenScopeError,
  createMotherDuckClient,
  embedUrl,
} from "../src/index.js";
import type { DucklingConfig, MotherDuckClient, Token } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
import { createTenants, memorySecretStore } from "../src/tenants/index.js";
import type { TenantSpec, TenantsReport } from "../src/tenants/index.js";
import { enums } from "../src/rules.js";
import { parseFlags, UsageError } from "../src/cli/args.js";

const USAGE = `Usage: npm start [-- --live [--member <username>]]

Walks through MotherDuck's provisioning guide with motherduck-rest: a service account and its token, its
Ducklings sized, the account found in the user list and among the active accounts, a Dive embed session for
it; then its tokens listed, rotated and revoked, one call the scope rules refuse; three customers
provisioned as declared tenants, and the clean-up.

  (no flags)            run against a local emulator started in this process; no account needed
  --live                run against the real API, with an Admin read/write token in MOTHERDUCK_TOKEN
  --member <username>   a member (not a service account) to show the S3 refusal on (emulator: bob)
  --help, -h            print this

With --live, DIVE_ID names a Dive to mint an embed session for; without it that step is skipped. The
emulator mints one for a made-up Dive id.
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

const cooldown = (half: { instance_size: string; cooldown_seconds?: number }) =>
  half.cooldown_seconds !== undefined
    ? `${half.cooldown_seconds} s cooldown`
    : half.instance_size === enums.instance_size.pulse
      ? "no cooldown"
      : "the size's default cooldown";
const describeDucklings = ({ read_write, read_scaling }: DucklingConfig) =>
  `read/write: ${read_write.instance_size}, ${cooldown(read_write)}; ` +
  `read scaling: up to ${read_scaling.flock_size} × ${read_scaling.instance_size}, ${cooldown(read_scaling)}`;

/** Where the walk runs: the client, and what only the emulator can do. */
interface Setting {
  md: MotherDuckClient;
  signInAs: (token: string) => MotherDuckClient;
  memberToRefuse: string | undefined;
  /** Appended to the demo accounts' names, so that a live run never meets an existing account. */
  suffix: string;
  /** The Dive to mint an embed session for; none skips that step. */
  diveId: string | undefined;
  /** Starts a user's read/write Duckling. Only the emulator can: in MotherDuck, connecting starts it. */
  activate: ((username: string) => void) | undefined;
  /** A client like `md` that sends through `fetch`: how the tenants step counts its requests. */
  clientWith: (fetch: typeof globalThis.fetch) => MotherDuckClient;
}

/** A fetch that counts the requests it sends, by method. */
function countingFetch() {
  const counts: Record<string, number> = {};
  const fetch: typeof globalThis.fetch = (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    counts[method] = (counts[method] ?? 0) + 1;
    return globalThis.fetch(input, init);
  };
  /** "3 GET, 2 POST" since the last take; the counts start again. */
  const take = () => {
    const text = Object.entries(counts)
      .map(([method, n]) => `${n} ${method}`)
      .join(", ");
    for (const method of Object.keys(counts)) delete counts[method];
    return text;
  };
  return { fetch, take };
}

const outcomes = (report: TenantsReport) =>
  report.tenants.map((tenant) => `${tenant.serviceAccount} ${tenant.outcome}`).join(", ");

/**
 * Three customers declared as tenants and converged: applied, applied again (nothing to do, reads only), one
 * token renamed (the new name minted, the old one pruned), one customer removed. `made` keeps the accounts
 * still standing, for the clean-up.
 */
async function tenantsStep(n: number, { clientWith, suffix }: Setting, made: string[]) {
  step(n, "Provision three customers as declared tenants: a service account, Ducklings and tokens each.");
  const counter = countingFetch();
  const secrets = memorySecretStore(); // in production: fileSecretStore(dir), or your secret manager
  const tenants = createTenants(clientWith(counter.fetch), { secrets });
  const customer = (name: string, dashboardName: string): TenantSpec => ({
    serviceAccount: `${name}${suffix}`,
    ducklings: { read_write: { instance_size: enums.instance_size.standard } },
    tokens: {
      app: { token_type: enums.token_type.read_write, ttl: 30 * 86_400 },
      [dashboardName]: { token_type: enums.token_type.read_scaling },
    },
  });
  const [acme, globex, initech] = ["t_acme", "t_globex", "t_initech"].map((name) => customer(name, "dashboard"));
  const specs = [acme!, globex!, initech!];
  const first = await tenants.apply(specs);
  made.push(...specs.map((spec) => spec.serviceAccount));
  say(`   apply:        ${outcomes(first)} (${counter.take()})`);
  const app = await tenants.secret(acme!.serviceAccount, "app");
  say(`   stored:       ${acme!.serviceAccount}/app, id ${app?.id}, secret ${shorten(app?.token ?? "")}`);
  const second = await tenants.apply(specs);
  say(`   apply again:  ${outcomes(second)} (${counter.take()}: reads only)`);
  const renamed = [customer("t_acme", "bi"), globex!, initech!];
  const plan = await tenants.plan(renamed);
  counter.take();
  say(`   rename ${acme!.serviceAccount}'s "dashboard" token to "bi"; the plan:`);
  for (const change of plan.flatMap((tenant) => tenant.changes)) {
    say(`     ${change.kind} ${change.serviceAccount}${change.token ? `/${change.token}` : ""} (${change.reason})`);
  }
  const third = await tenants.apply(renamed);
  say(`   apply:        ${outcomes(third)}; "dashboard" pruned: revoked, its secret deleted`);
  const removed = await tenants.remove([initech!.serviceAccount]);
  made.splice(made.indexOf(initech!.serviceAccount), 1);
  say(`   remove:       ${outcomes(removed)}, with all its data and its stored secrets`);
}

async function mainJob(setting: Setting) {
  const { md, signInAs, memberToRefuse, suffix, diveId, activate } = setting;
  const etl = `etl_demo${suffix}`;
  const bi = `bi_demo${suffix}`;
  const made: string[] = [];
  try {
    step(1, `Create a service account, "${etl}": a user that programs (or one of your customers) sign in as.`);
    await md.users.createServiceAccount(etl);
    made.push(etl);
    say(`   created.`);

    step(2, "Mint it a read/write token, valid for one hour. The API shows a secret only once; it is shortened here.");
    const readWrite = await md.tokens.create(etl, {
      name: "nightly-load",
      ttl: 3600,
      description: "Loads the nightly batch",
    });
    say(`   ${describe(readWrite)}`);
    say(`   description: "${readWrite.description ?? ""}" (notes on its purpose; they cannot be edited later)`);

    step(3, "Mint read-scaling tokens: read-only tokens for read replicas.");
    const scaling = await md.tokens.create(etl, { name: "dashboards", token_type: enums.token_type.read_scaling });
    say(`   for ${etl}: ${describe(scaling)}`);
    say(`   No warning: ${etl} holds a read/write token. Now for "${bi}", a service account that has none yet:`);
    await md.users.createServiceAccount(bi);
    made.push(bi);
    await md.tokens.create(bi, { name: "reports", token_type: enums.token_type.read_scaling });
    say(`   (${bi}'s read-scaling token will work once it has connected with a read/write token: rule S5.)`);

    step(4, `Size ${etl}'s Ducklings, the compute it runs on.`);
    say(`   now:          ${describeDucklings(await md.ducklings.get(etl))}`);
    const replaced = await md.ducklings.set(etl, {
      read_write: { instance_size: enums.instance_size.standard, cooldown_seconds: 600 },
      read_scaling: { instance_size: enums.instance_size.pulse, flock_size: 1 },
    });
    say(`   set:          ${describeDucklings(replaced)}`);
    say("                 (set replaces the whole configuration: both halves, every field)");
    const updated = await md.ducklings.update(etl, { read_scaling: { flock_size: 2 } });
    say(`   update:       ${describeDucklings(updated)}`);
    say("                 (update reads, changes the fields given and writes all back: keep one writer per account)");

    step(5, "Find the service accounts again: list the users that are service accounts.");
    const accounts = await md.users.list({ is_service_account: true });
    const ours = accounts.filter((user) => made.includes(user.username));
    say(`   ${accounts.length} service account(s), ours among them:`);
    for (const user of ours) say(`   ${user.username.padEnd(14)} id ${user.id}`);

    step(6, `See ${etl} among the active accounts (a preview endpoint) once its Duckling runs.`);
    if (activate) {
      activate(etl);
      say(`   (the emulator started ${etl}'s read/write Duckling: no REST call does, connecting with a token does)`);
    } else {
      say(`   ${etl} appears here once it connects with its token, say from DuckDB: no REST call starts a Duckling.`);
    }
    const active = await md.accounts.listActive();
    for (const account of active) {
      const ducklings = account.ducklings.map((d) => `${d.id} (${d.type}, ${d.status})`).join(", ");
      say(`   ${account.username.padEnd(14)} ${ducklings}`);
    }
    if (!active.length) say("   none running yet.");

    step(7, `Mint a Dive embed session for ${etl}: what a web page needs to show a Dive to one customer.`);
    if (diveId === undefined) {
      say("   skipped: set DIVE_ID to a Dive's id to try this against the real API.");
    } else {
      const embed = await md.dives.createEmbedSession(diveId, { username: etl, session_name: "customer-42" });
      const src = embedUrl(embed).replace(encodeURIComponent(embed.session), shorten(embed.session));
      say(`   the iframe's src: ${src}`);
      say("   The session is a credential for one browser, for 24 hours: mint it on your server, never log it.");
    }

    step(8, `List ${etl}'s tokens. A list never shows secrets.`);
    for (const t of await md.tokens.list(etl)) {
      say(
        `   ${t.id}  ${(t.name ?? "").padEnd(14)} ${t.token_type.padEnd(12)} expires ${t.expire_at ?? "never"}` +
          (t.description ? `  "${t.description}"` : ""),
      );
    }

    step(9, "Rotate the read/write token: the new one is created first, then the old one is revoked.");
    const rotated = await md.tokens.rotate(etl, readWrite.id);
    say(`   new: ${describe(rotated)}`);
    try {
      await signInAs(readWrite.token).tokens.list(etl);
      say(`   old: ${readWrite.id} still works!`);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      say(`   old: ${readWrite.id} is refused now (${error.status} ${error.code}).`);
    }

    step(10, "Revoke the read-scaling token.");
    await md.tokens.delete(etl, scaling.id);
    say(`   revoked ${scaling.id}; ${etl} now has ${(await md.tokens.list(etl)).length} token(s).`);

    step(
      11,
      `Try to mint a token for ${memberToRefuse ? `"${memberToRefuse}"` : "a member"}, who is not a service account.`,
    );
    if (!memberToRefuse) {
      say("   skipped: pass --member <username> to try this against the real API.");
    } else {
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
    }

    await tenantsStep(12, setting, made);
  } finally {
    if (made.length) {
      step(13, "Clean up: delete the service accounts, with their tokens and Duckling settings.");
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
    await mainJob({
      clientWith: (fetch) => createMotherDuckClient({ logger, fetch }),
      md,
      signInAs,
      memberToRefuse: values.member as string | undefined,
      suffix: `_${randomBytes(3).toString("hex")}`,
      diveId: process.env.DIVE_ID || undefined,
      activate: undefined,
    });
  } else {
    const emulator = await startEmulator();
    try {
      say(`Started a local MotherDuck API emulator at ${emulator.url} (no account or network needed).`);
      say(`Signed in as alice, an Admin of organization "acme". bob is an ordinary member of acme.`);
      const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger });
      const signInAs = (token: string) => createMotherDuckClient({ baseUrl: emulator.url, token, maxRetries: 0 });
      await mainJob({
        clientWith: (fetch) =>
          createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger, fetch }),
        md,
        signInAs,
        memberToRefuse: (values.member as string | undefined) ?? "bob",
        suffix: "",
        diveId: randomUUID(),
        activate: (username) => emulator.activate(username),
      });
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
