// Starts the example from its environment: against the real API when MOTHERDUCK_TOKEN is set, otherwise
// against a local emulator started here, with a service account made for the demo customer.
import type { AddressInfo } from "node:net";
import { createMotherDuckClient } from "../../src/index.js";
import type { MotherDuckClient } from "../../src/index.js";
import { startEmulator } from "../../src/emulator/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { createEmbedServer } from "./app.js";
import type { Customer } from "./app.js";
import { libraryMinter } from "./minter.js";

/** A made-up Dive id for the emulator, which embeds any Dive id it is given. */
export const DEMO_DIVE_ID = "8d2f6c1e-4b7a-4e39-9a51-3c0d7e2b9f64";
/** The demo customer's service account on the emulator. */
export const DEMO_USERNAME = "customer_demo";
const DEFAULT_PORT = 3000;

export interface RunningExample {
  /** The page's base URL: `${url}/` is the demo customer's page. */
  url: string;
  customer: Customer;
  diveId: string;
  /** The emulator, when the example runs against one. */
  emulator?: Emulator;
  close(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

export function portFrom(env: Env): number {
  if (env.PORT === undefined || env.PORT === "") return DEFAULT_PORT;
  const port = Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `PORT must be a whole number from 0 to 65535 (0: any free port), not ${JSON.stringify(env.PORT)}`,
    );
  }
  return port;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is needed when MOTHERDUCK_TOKEN is set (running against the real API)`);
  return value;
}

export async function startExample(env: Env, log: (line: string) => void = console.log): Promise<RunningExample> {
  const port = portFrom(env);
  let md: MotherDuckClient;
  let diveId: string;
  let username: string;
  let emulator: Emulator | undefined;
  // The same variables the library reads, in the same order.
  const token = env.MOTHERDUCK_TOKEN || env.motherduck_token;
  if (token) {
    diveId = required(env, "DIVE_ID");
    username = required(env, "EMBED_USERNAME");
    if (!UUID.test(diveId)) throw new Error(`DIVE_ID must be a Dive's UUID, not ${JSON.stringify(diveId)}`);
    // The admin token goes to the client alone, which sends it to the MotherDuck API and nowhere else.
    md = createMotherDuckClient({
      token,
      ...(env.MOTHERDUCK_API_BASE_URL && { baseUrl: env.MOTHERDUCK_API_BASE_URL }),
    });
  } else if (env.MOTHERDUCK_API_BASE_URL) {
    throw new Error(
      "MOTHERDUCK_API_BASE_URL is set but MOTHERDUCK_TOKEN is not: set the token for that API, or unset the URL " +
        "to run against the built-in emulator",
    );
  } else {
    emulator = await startEmulator();
    diveId = env.DIVE_ID || DEMO_DIVE_ID;
    username = env.EMBED_USERNAME || DEMO_USERNAME;
    md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
    try {
      await md.users.createServiceAccount(username);
    } catch (error) {
      await emulator.close();
      throw error;
    }
  }
  const customer: Customer = { id: "demo", username, name: "Demo customer: sales overview" };
  const server = createEmbedServer({ customers: [customer], mint: libraryMinter(md, diveId), log });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    await emulator?.close();
    throw error;
  }
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    customer,
    diveId,
    ...(emulator && { emulator }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await emulator?.close();
    },
  };
}
