// `npm run example:embed`: a web page where a customer signs in and sees their embedded Dive. See README.md
// beside this file.
//
//   npm run example:embed                                  # against a local emulator, no account needed
//   MOTHERDUCK_TOKEN=<admin token> DIVE_ID=<dive uuid> EMBED_CUSTOMERS=<id:service-account,...> npm run example:embed
import { startExample } from "./start.js";

try {
  const example = await startExample(process.env);
  const where = example.emulator ? `the local emulator at ${example.emulator.url}` : "the MotherDuck API";
  const customers = example.customers.map((customer) => `${customer.id} (${customer.username})`).join(", ");
  const shared = example.redis ? ", sessions shared through Redis" : "";
  console.log(`Embedding Dive ${example.diveId} for ${customers}, via ${where}${shared}.`);
  console.log(`Open ${example.url}/ (listening on ${example.url})`);
  const stop = () => void example.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  // One line: each start-up check's message starts with the variable it is about.
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Failed to start: ${message.split("\n")[0]}`);
  process.exitCode = 1;
}
