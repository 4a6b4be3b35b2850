// `npm start`: the main job of this library, creating a MotherDuck access token, run against the local
// emulator that this script starts itself. No account and no network are needed.
import { PermissionDeniedError, TokenScopeError, createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";

const shorten = (secret: string) => `${secret.slice(0, 10)}…${secret.slice(-4)} (${secret.length} characters)`;
const say = (line = "") => console.log(line);

const emulator = await startEmulator();
try {
  say(`Started a local MotherDuck API emulator at ${emulator.url}`);
  say(`Signed in as alice, an Admin of organization "acme".`);
  say();

  const md = createMotherDuckClient({
    baseUrl: emulator.url,
    token: emulator.adminToken,
    identity: { username: "alice", role: "admin" },
  });

  const token = await md.tokens.create("alice", { name: "nightly-etl", ttl: 3600 });
  say("1. Created an access token for alice, valid for one hour:");
  say(`   id          ${token.id}`);
  say(`   name        ${token.name}`);
  say(`   type        ${token.token_type}${token.read_only ? " (read-only)" : ""}`);
  say(`   created     ${token.created_ts}`);
  say(`   expires     ${token.expire_at ?? "never"}`);
  say(`   secret      ${shorten(token.token)}  (shortened here; the API shows a secret only once)`);
  say();

  say("2. Tried to create a token for bob, an ordinary member, which MotherDuck never allows:");
  try {
    await md.tokens.create("bob", { name: "not-allowed" });
  } catch (error) {
    if (!(error instanceof PermissionDeniedError || error instanceof TokenScopeError)) throw error;
    say(`   refused: ${error.message.split("\n")[0]}`);
    if (error instanceof PermissionDeniedError && error.hint) say(`   why:     ${error.hint}`);
  }
} finally {
  await emulator.close();
}
