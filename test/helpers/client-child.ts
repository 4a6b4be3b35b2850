// Run by the hardening tests as a child process, so that a regression (a heap that runs out, a search that
// never ends) fails the test instead of taking the test runner down. It makes one call against the server at
// argv[2] and prints what happened as JSON:
//   walk         users.iterate through every page, keeping nothing but a count
//   list-tokens  tokens.list("svc_etl")
import { createMotherDuckClient } from "../../src/index.js";

const md = createMotherDuckClient({
  token: "mdtok_child_process_test_token",
  baseUrl: process.argv[2]!,
  maxRetries: 0,
});
let users = 0;
try {
  if (process.argv[3] === "list-tokens") await md.tokens.list("svc_etl");
  else for await (const _user of md.users.iterate()) users++;
  process.stdout.write(JSON.stringify({ users }));
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(JSON.stringify({ users, name, message }));
}
