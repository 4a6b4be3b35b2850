// `npm run example:embed`: a web page that shows a customer's embedded Dive. See README.md beside this file.
//
//   npm run example:embed                                  # against a local emulator, no account needed
//   MOTHERDUCK_TOKEN=<admin token> DIVE_ID=<dive uuid> EMBED_USERNAME=<service account> npm run example:embed
import { startExample } from "./start.js";

try {
  const example = await startExample(process.env);
  const where = example.emulator ? `the local emulator at ${example.emulator.url}` : "the MotherDuck API";
  console.log(`Embedding Dive ${example.diveId} for service account "${example.customer.username}", via ${where}.`);
  console.log(`Open ${example.url}/ (listening on ${example.url})`);
  const stop = () => void example.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
