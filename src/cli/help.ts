import { VERSION } from "../generated/version.js";
import { enums } from "../rules.js";
import { EMBED_SESSION_LIFETIME } from "./deliver.js";
import { rangeOf, TTL_RANGE } from "./duration.js";
import { operations } from "../rules.js";

const TYPES = Object.values(enums.token_type).join("|");
const SIZES = Object.values(enums.instance_size).join("|");
const PULSE = enums.instance_size.pulse;
const halves = operations["ducklings-setDucklingConfigForUser"].body.properties.config.properties;
const COOLDOWN_RANGE = rangeOf(halves.read_write.properties.cooldown_seconds);
const READ_SCALING_COOLDOWN_RANGE = rangeOf(halves.read_scaling.properties.cooldown_seconds);
const FLOCK = halves.read_scaling.properties.flock_size;
const SET_FLAGS = `[--size <size>] [--cooldown <duration>] [--read-scaling-size <size>] [--read-scaling-cooldown <duration>] [--flock-size <n>]`;

const TENANTS_FILE = `A tenants file is YAML or JSON: { tenants: [spec, ...] }, each spec as the library takes it:
  tenants:
    - serviceAccount: t_acme
      ducklings: { read_write: { instance_size: standard } }
      tokens:
        app: { token_type: read_write, ttl: 30d }       # ttl and renewBefore: seconds, or 90s, 15m, 1h, 30d
        dashboard: { token_type: read_scaling }         # no ttl: never expires`;

const AUTH = `Auth: the token is read from MOTHERDUCK_TOKEN (or motherduck_token), never from a flag.
Base URL: --base-url <url>, else MOTHERDUCK_API_BASE_URL, else https://api.motherduck.com.
Exit codes: 0 ok; 1 the API or the network failed; 2 usage, validation or scope refusal; 130 Ctrl-C. Ctrl-C
during a command that writes says that the write may have happened, and what to run to check.
Anything that came from the server or the command line is printed with control characters escaped (\\e, \\n, \\x07).`;

export const HELP: Record<string, string> = {
  "": `motherduck-rest ${VERSION}: the MotherDuck REST API from the command line

Usage:
  motherduck-rest tokens create <username> --name <name> (--ttl <duration> | --no-expiry) [--type ${TYPES}] [--description <text>] [--json]
  motherduck-rest tokens rotate <username> <token-id> [--ttl <duration> | --no-expiry] [--name <name>] [--type ${TYPES}] [--json]
  motherduck-rest tokens list <username> [--json]
  motherduck-rest tokens delete <username> <token-id> [--json]
  motherduck-rest users create-service-account <username> [--json]
  motherduck-rest users delete <username> --yes [--json]
  motherduck-rest users list [--service-accounts | --humans] [--json]
  motherduck-rest ducklings get <username> [--json]
  motherduck-rest ducklings set <username> ${SET_FLAGS} [--json]
  motherduck-rest accounts active [--json]
  motherduck-rest dives embed-session <dive-id> --username <service-account> [--session-name <name>] [--json]
  motherduck-rest tenants plan -f <tenants.yaml|tenants.json> [--secrets-dir <dir>] [--json]
  motherduck-rest tenants apply -f <file> --secrets-dir <dir> [--concurrency <n>] [--json]
  motherduck-rest tenants remove <service-account>... --secrets-dir <dir> --yes [--json]
  motherduck-rest emulator [--port <n>] [--host <address>] [--rate-limit <per-second>]
  motherduck-rest emulator activate|deactivate <username> [--json]
  motherduck-rest emulator advance-time <duration> [--json]
  motherduck-rest help [<command>]
  motherduck-rest --version | -v

Run "motherduck-rest help <command>" or "motherduck-rest <command> --help" for one command.

${AUTH}
`,
  tokens: `Usage: motherduck-rest tokens <create|rotate|list|delete> ...

  create   mint an access token (the secret goes to stdout, alone)
  rotate   replace a token: create the new one, then revoke the old (the new secret goes to stdout, alone)
  list     list a user's tokens (never their secrets)
  delete   revoke a token

${AUTH}
`,
  "tokens create": `Usage: motherduck-rest tokens create <username> --name <name> (--ttl <duration> | --no-expiry) [--type ${TYPES}] [--description <text>] [--json]

Creates an access token for <username> and prints its secret to stdout, alone, so it can be piped.
Everything else goes to stderr. The secret is shown only this once. If it cannot be written to stdout
(a reader that went away, a closed stdout), the CLI revokes the token and says so; if that revoke fails
too, it prints the command that revokes it. Nothing is created when stdout is closed or /dev/null.

  --name <name>        the token's name (required)
  --ttl <duration>     lifetime: 90s, 15m, 1h, 30d, or seconds; from ${TTL_RANGE}
  --no-expiry          the token never expires until revoked (you must choose this or --ttl)
  --type <type>        ${TYPES} (default ${enums.token_type.read_write})
  --description <text> what the token is for, shown by tokens list --json
  --json               print the whole created token as JSON to stdout, secret included
  --base-url <url>     the API to talk to

You may create tokens for yourself, or with an Admin token for a service account of your organization;
never for another member.

${AUTH}
`,
  "tokens rotate": `Usage: motherduck-rest tokens rotate <username> <token-id> [--ttl <duration> | --no-expiry] [--name <name>] [--type ${TYPES}] [--json]

Replaces token <token-id> of <username>: creates the new token first, then revokes the old one, so there
is never a moment without a valid token. The new secret goes to stdout, alone; everything else to stderr.
What you leave out is taken from the old token: its type, its lifetime (expire_at minus created_ts, so a
token that never expired still never expires) and its name with a "(rotated <time>)" suffix.

  --ttl <duration>     the new token's lifetime: 90s, 15m, 1h, 30d, or seconds; from ${TTL_RANGE}
  --no-expiry          the new token never expires; only for an old token that never expires either,
                       since the library keeps the old lifetime when none is given (else: tokens create
                       --no-expiry, then tokens delete)
  --name <name>        the new token's name
  --type <type>        ${TYPES}
  --json               print the whole new token as JSON to stdout, secret included
  --base-url <url>     the API to talk to

If the new token was created but the old one could not be revoked, the new secret is still printed and
the command exits 1, saying how to revoke the old token, which is still live.

${AUTH}
`,
  "tokens list": `Usage: motherduck-rest tokens list <username> [--json]

Lists the tokens of <username> as a table on stdout (or JSON with --json). Secrets are never shown.

  --json               print JSON to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  "tokens delete": `Usage: motherduck-rest tokens delete <username> <token-id> [--json]

Revokes a token: it stops working at once.

  --json               print {"revoked": "<token-id>", "username": "<username>"} to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  users: `Usage: motherduck-rest users <list|create-service-account|delete> ...

  list                     list the users and service accounts of your organization
  create-service-account   create a service account (a Member-role user); needs an Admin token
  delete                   permanently delete a user, their data and tokens; needs --yes

${AUTH}
`,
  "users create-service-account": `Usage: motherduck-rest users create-service-account <username> [--json]

Creates a service account. The username starts with a letter and holds letters, digits and _.
"motherduck-rest users list --service-accounts" lists them. Needs an Admin token.

  --json               print the created account as JSON to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  "users delete": `Usage: motherduck-rest users delete <username> --yes [--json]

Permanently deletes a user, all of their data and all of their tokens. THIS CANNOT BE UNDONE.

  --yes                confirm the deletion (required)
  --json               print the deleted user as JSON to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  "users list": `Usage: motherduck-rest users list [--service-accounts | --humans] [--json]

Lists the users and service accounts of your organization, every page of them, as a table on stdout:
USERNAME, TYPE (service-account or human), ID, ROLES, DEPROVISIONED. A field the API left out is an empty cell.
Listing users needs a privilege that the admin, builder and explorer roles hold.

  --service-accounts   only service accounts
  --humans             only human users
  --json               print the users as a JSON array to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  ducklings: `Usage: motherduck-rest ducklings <get|set> ...

  get   show the Duckling (compute) configuration of a user
  set   change some of it: sizes, cooldowns, flock size

${AUTH}
`,
  "ducklings get": `Usage: motherduck-rest ducklings get <username> [--json]

Shows the Duckling configuration of <username> as a table on stdout: one row for each half (read_write,
read_scaling) with its SIZE, its COOLDOWN (a duration; "default" for the size's own, "none" for ${PULSE}) and,
for read scaling, its FLOCK size. Needs an Admin token.

  --json               print the configuration as JSON to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  "ducklings set": `Usage: motherduck-rest ducklings set <username> ${SET_FLAGS} [--json]

Changes the Duckling configuration of <username>: reads it, changes the fields you give, writes all of it
back, and shows the configuration the API answered, as "ducklings get" does. Give at least one flag.
A half that switches to ${PULSE} drops its cooldown, since ${PULSE} takes none. Needs an Admin token.

  --size <size>                         the read/write Duckling's size: ${SIZES}
  --cooldown <duration>                 how long the read/write Duckling idles before it stops:
                                        90s, 15m, 1h, or seconds; from ${COOLDOWN_RANGE}; not with ${PULSE}
  --read-scaling-size <size>            the read-scaling Ducklings' size: ${SIZES}
  --read-scaling-cooldown <duration>    the read-scaling Ducklings' cooldown; from ${READ_SCALING_COOLDOWN_RANGE}; not with ${PULSE}
  --flock-size <n>                      how many read-scaling Ducklings: a number from ${FLOCK.minimum} to ${FLOCK.maximum}
  --json                                print the configuration as JSON to stdout
  --base-url <url>                      the API to talk to

The read and the write are two requests: a change someone else writes between them is overwritten.

${AUTH}
`,
  accounts: `Usage: motherduck-rest accounts active [--json]

  active   list the accounts with running Ducklings (a preview endpoint)

${AUTH}
`,
  "accounts active": `Usage: motherduck-rest accounts active [--json]

Lists the accounts of your organization that have running Ducklings, one row per Duckling: USERNAME,
DUCKLING (its id: rw, or rs.N for a read-scaling one), TYPE and STATUS (active or cooldown). This uses a
preview endpoint of the MotherDuck API, whose answer may still change; the CLI says so on stderr.
Needs an Admin token.

  --json               print the accounts as JSON to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  dives: `Usage: motherduck-rest dives embed-session <dive-id> --username <service-account> [--session-name <name>] [--json]

  embed-session   mint an embed session that shows a Dive in your own page (the secret goes to stdout, alone)

${AUTH}
`,
  "dives embed-session": `Usage: motherduck-rest dives embed-session <dive-id> --username <service-account> [--session-name <name>] [--json]

Mints an embed session for the Dive <dive-id> (a UUID), running as the service account --username, and
prints it to stdout, alone, so it can be piped; everything else goes to stderr. The session is a
credential: it goes to the browser as the iframe's https://embed-motherduck.com/sandbox/#session=<session>.
It works for ${EMBED_SESSION_LIFETIME}. The API cannot revoke one: if it cannot be written to stdout, the CLI says so,
and it lapses by itself. Nothing is minted when stdout is closed or /dev/null.

  --username <name>        the service account the session runs as (required)
  --session-name <name>    reuse one read-scaling session across embeds (one per customer, say)
  --json                   print {"session": "<session>"} to stdout instead
  --base-url <url>         the API to talk to

Needs a token of an account that may create embed sessions (the Admin preset may).

${AUTH}
`,
  tenants: `Usage: motherduck-rest tenants <plan|apply|remove> ...

Your customers, each declared as a service account with its tokens and Ducklings in a tenants file, and
converged to it as often as you run apply.

  plan     show what apply would change, a line per change; changes nothing
  apply    create, change, renew and prune until every tenant matches the file; secrets go into --secrets-dir
  remove   permanently delete tenants' service accounts, with all their data, and their stored secrets

${TENANTS_FILE}

${AUTH}
`,
  "tenants plan": `Usage: motherduck-rest tenants plan -f <tenants.yaml|tenants.json> [--secrets-dir <dir>] [--json]

Prints what "tenants apply" would change, one line per change, and changes nothing:
  + t_acme: create service account (absent)      + create or mint
  ~ t_acme/app: replace token (expires in 2h)    ~ change or replace
  - t_acme/old: revoke token (no longer declared) - revoke or delete
A tenant that cannot be converged (a person's username, say) is an error line on stderr, and exit 1.

  -f, --file <file>      the tenants file (required)
  --secrets-dir <dir>    the folder apply keeps secrets in; without it, planned as if none were stored
  --json                 print the plans as JSON to stdout
  --base-url <url>       the API to talk to

${TENANTS_FILE}

${AUTH}
`,
  "tenants apply": `Usage: motherduck-rest tenants apply -f <file> --secrets-dir <dir> [--concurrency <n>] [--json]

Converges every tenant of the file: creates its service account when absent, sets its Ducklings, mints each
declared token, replaces one that expires soon or differs from the file, and revokes a token the file no
longer names. A second run of the same file changes nothing and sends only reads.

Each token's secret is written to <dir>/<service account>/<token name>.json (files 0600, folders 0700),
never to stdout. A token is minted, then stored, then the older ones of its name revoked: a run cut short
(Ctrl-C, a crash, a kill) loses no secret, and running it again finishes the job. All requests of the run
share one pace, which slows down when the API says it is rate-limited.

Progress goes to stderr: a live line on a terminal, one line per finished tenant otherwise. Exit 1 when
some tenant failed (the others are done), 2 when the file is refused (then nothing was sent), 130 when
Ctrl-C stopped it (it sends nothing more; run it again to finish).

  -f, --file <file>       the tenants file (required)
  --secrets-dir <dir>     where the secrets are kept (required)
  --concurrency <n>       the most requests in flight (default 8)
  --json                  print the report as JSON to stdout (it holds no secret)
  --base-url <url>        the API to talk to

Needs an Admin read/write token.

${TENANTS_FILE}

${AUTH}
`,
  "tenants remove": `Usage: motherduck-rest tenants remove <service-account>... --secrets-dir <dir> --yes [--json]

Permanently deletes each service account AND ALL ITS DATA (databases, tokens, Duckling settings), then its
secrets stored in --secrets-dir. There is no undo, so it needs --yes. An account already gone is
"unchanged". Exit 1 when some account could not be removed.

  --secrets-dir <dir>     where apply kept the secrets (required)
  --yes                   confirm the deletion (required)
  --json                  print the report as JSON to stdout
  --base-url <url>        the API to talk to

Needs an Admin read/write token.

${AUTH}
`,
  emulator: `Usage: motherduck-rest emulator [--port <n>] [--host <address>] [--rate-limit <per-second>]

Starts a local MotherDuck REST API emulator. Its stdout is a shell script of export lines and # comments:
MOTHERDUCK_API_BASE_URL, MOTHERDUCK_TOKEN (alice, an Admin) and MOTHERDUCK_MEMBER_TOKEN (bob, a Member),
both of organization "acme"; status lines go to stderr. It keeps running until interrupted (Ctrl-C).

  --port <n>           the port to listen on (default 4010; 0 picks a free one)
  --host <address>     the address to listen on (default 127.0.0.1)
  --rate-limit <n>     answer 429 (with Retry-After) past n requests per second per organization

  motherduck-rest emulator --port 0 > emulator.env &    and, once it says "listening": source emulator.env

A running emulator is driven with the same MOTHERDUCK_API_BASE_URL (or --base-url) and MOTHERDUCK_TOKEN (its
admin token) as every command:

  activate <username>          start the user's read/write Duckling, so "accounts active" lists it
  deactivate <username>        stop every Duckling of the user
  advance-time <duration>      move the emulator's clock forward (90s, 15m, 1h, 30d), so tokens expire
`,
  "emulator activate": `Usage: motherduck-rest emulator activate <username> [--json]

Marks the user's read/write Duckling as running on a running emulator, since no API call starts one:
"motherduck-rest accounts active" then lists it. Only the emulator's admin token may do this.

  --json               print the emulator's answer as JSON to stdout
  --base-url <url>     the emulator to drive (the URL "motherduck-rest emulator" printed)

${AUTH}
`,
  "emulator deactivate": `Usage: motherduck-rest emulator deactivate <username> [--json]

Stops every Duckling of the user on a running emulator: "accounts active" no longer lists it. Only the
emulator's admin token may do this.

  --json               print the emulator's answer as JSON to stdout
  --base-url <url>     the emulator to drive (the URL "motherduck-rest emulator" printed)

${AUTH}
`,
  "emulator advance-time": `Usage: motherduck-rest emulator advance-time <duration> [--json]

Moves a running emulator's clock forward by <duration> (90s, 15m, 1h, 30d, or seconds), so that tokens
expire without waiting. Only the emulator's admin token may do this.

  --json               print the emulator's answer (with its new time) as JSON to stdout
  --base-url <url>     the emulator to drive (the URL "motherduck-rest emulator" printed)

${AUTH}
`,
  help: `Usage: motherduck-rest help [<command>]

Prints the usage of motherduck-rest, or of one command: motherduck-rest help tokens create
`,
};
