// Run by hardening-paging.test.ts with a small heap: walks every page of GET /v1/users at argv[2] with
// users.iterate, keeping nothing but a count, and prints what happened as JSON. A walk that held on to what
// the server sent would run out of memory and end this process with V8's own crash instead.
import { createMotherDuckClient } from "../../src/index.js";

const md = createMotherDuckClient({ token: "mdtok_paging_walk_test_token", baseUrl: process.argv[2]!, maxRetries: 0 });
let users = 0;
try {
  for await (const _user of md.users.iterate()) users++;
  process.stdout.write(JSON.stringify({ users }));
} catch (error) {
  const { name, message } = error as Error;
  process.stdout.write(JSON.stringify({ users, name, message }));
}
