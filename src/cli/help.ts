import { VERSION } from "../generated/version.js";
import { enums } from "../rules.js";
import { TTL_RANGE } from "./duration.js";

const TYPES = Object.values(enums.token_type).join("|");

const AUTH = `Auth: the token is read from MOTHERDUCK_TOKEN (or motherduck_token), never from a flag.
Base URL: --base-url <url>, else MOTHERDUCK_API_BASE_URL, else https://api.motherduck.com.
Exit codes: 0 ok; 1 the API or the network failed; 2 usage, validation or scope refusal.`;

export const HELP: Record<string, string> = {
  "": `motherduck-rest ${VERSION}: the MotherDuck REST API from the command line

Usage:
  motherduck-rest tokens create <username> --name <name> (--ttl <duration> | --no-expiry) [--type ${TYPES}] [--json]
  motherduck-rest tokens list <username> [--json]
  motherduck-rest tokens delete <username> <token-id>
  motherduck-rest users create-service-account <username>
  motherduck-rest users delete <username> --yes
  motherduck-rest emulator [--port <n>]

Run "motherduck-rest <command> --help" for one command.

${AUTH}
`,
  tokens: `Usage: motherduck-rest tokens <create|list|delete> ...

  create   mint an access token (the secret goes to stdout, alone)
  list     list a user's tokens (never their secrets)
  delete   revoke a token

${AUTH}
`,
  "tokens create": `Usage: motherduck-rest tokens create <username> --name <name> (--ttl <duration> | --no-expiry) [--type ${TYPES}] [--json]

Creates an access token for <username> and prints its secret to stdout, alone, so it can be piped.
Everything else goes to stderr. The secret is shown only this once.

  --name <name>        the token's name (required)
  --ttl <duration>     lifetime: 90s, 15m, 1h, 30d, or seconds; from ${TTL_RANGE}
  --no-expiry          the token never expires until revoked (you must choose this or --ttl)
  --type <type>        ${TYPES} (default ${enums.token_type.read_write})
  --json               print the whole created token as JSON to stdout, secret included
  --base-url <url>     the API to talk to

You may create tokens for yourself, or with an Admin token for a service account of your organization;
never for another member.

${AUTH}
`,
  "tokens list": `Usage: motherduck-rest tokens list <username> [--json]

Lists the tokens of <username> as a table on stdout (or JSON with --json). Secrets are never shown.

  --json               print JSON to stdout
  --base-url <url>     the API to talk to

${AUTH}
`,
  "tokens delete": `Usage: motherduck-rest tokens delete <username> <token-id>

Revokes a token: it stops working at once.

  --base-url <url>     the API to talk to

${AUTH}
`,
  users: `Usage: motherduck-rest users <create-service-account|delete> ...

  create-service-account   create a service account (a Member-role user); needs an Admin token
  delete                   permanently delete a user, their data and tokens; needs --yes

${AUTH}
`,
  "users create-service-account": `Usage: motherduck-rest users create-service-account <username>

Creates a service account. The username starts with a letter and holds letters, digits and _.
MotherDuck cannot list service accounts later: keep the name. Needs an Admin token.

  --base-url <url>     the API to talk to

${AUTH}
`,
  "users delete": `Usage: motherduck-rest users delete <username> --yes

Permanently deletes a user, all of their data and all of their tokens. THIS CANNOT BE UNDONE.

  --yes                confirm the deletion (required)
  --base-url <url>     the API to talk to

${AUTH}
`,
  emulator: `Usage: motherduck-rest emulator [--port <n>] [--host <address>]

Starts a local MotherDuck REST API emulator and prints its URL and two seeded tokens: alice, an Admin,
and bob, a Member, both of organization "acme". It keeps running until interrupted.

  --port <n>           the port to listen on (default 4010; 0 picks a free one)
  --host <address>     the address to listen on (default 127.0.0.1)
`,
};
