// Starts the example from its environment: against the real API when MOTHERDUCK_TOKEN is set, otherwise
// against a local emulator started here, with a service account made for each demo customer. Everything is
// checked before anything starts, in both modes.
import type { AddressInfo } from "node:net";
import { ValidationError, createEmbedSessionCache, createMotherDuckClient } from "../../src/index.js";
import type { MotherDuckClient } from "../../src/index.js";
import { startEmulator } from "../../src/emulator/index.js";
import type { Emulator } from "../../src/emulator/index.js";
import { createEmbedServer } from "./app.js";
import { StartupError, readConfig } from "./config.js";
import type { Customer, Env, ExampleConfig } from "./config.js";
import { cachedSessions } from "./minter.js";
import { connectRedisStore, redisAddress } from "./redis-store.js";
import type { RedisSessionStore } from "./redis-store.js";
import { randomSessionSecret } from "./signin-cookie.js";

export { DEMO_CUSTOMERS, DEMO_DIVE_ID, portFrom } from "./config.js";

export interface RunningExample {
  /** The page's base URL: `${url}/` signs a customer in, then shows their Dive. */
  url: string;
  customers: readonly Customer[];
  diveId: string;
  /** The emulator, when the example runs against one. */
  emulator?: Emulator;
  /** Whether sessions are shared through Redis. */
  redis: boolean;
  close(): Promise<void>;
}

async function redisStoreFor(url: string, log: (line: string) => void): Promise<RedisSessionStore> {
  try {
    return await connectRedisStore(url, log);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    throw new StartupError(
      "REDIS_URL",
      `could not be reached at ${redisAddress(url)}${typeof code === "string" ? ` (${code})` : ""}`,
    );
  }
}

/** The library's verdict on the token or the base URL, as a start-up error naming the variable it came from. */
function asStartupError(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const [issue] = error.issues;
  const variable =
    issue?.path === "baseUrl" ? "MOTHERDUCK_API_BASE_URL" : issue?.path === "token" ? "MOTHERDUCK_TOKEN" : undefined;
  return variable ? new StartupError(variable, issue!.message) : error;
}

/** The client, and the emulator it talks to when there is no token, with each customer's service account. */
async function clientFor(config: ExampleConfig): Promise<{ md: MotherDuckClient; emulator?: Emulator }> {
  if (config.token) {
    // The admin token goes to the client alone, which sends it to the MotherDuck API and nowhere else.
    try {
      return {
        md: createMotherDuckClient({ token: config.token, ...(config.baseUrl && { baseUrl: config.baseUrl }) }),
      };
    } catch (error) {
      throw asStartupError(error);
    }
  }
  const emulator = await startEmulator();
  const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken });
  try {
    for (const customer of config.customers) await md.users.createServiceAccount(customer.username);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return { md, emulator };
}

export async function startExample(env: Env, log: (line: string) => void = console.log): Promise<RunningExample> {
  const config = readConfig(env);
  const store = config.redisUrl ? await redisStoreFor(config.redisUrl, log) : undefined;
  let emulator: Emulator | undefined;
  try {
    const client = await clientFor(config);
    emulator = client.emulator;
    const cache = createEmbedSessionCache(client.md, store ? { store } : {});
    const server = createEmbedServer({
      customers: config.customers,
      sessionFor: cachedSessions(cache, config.diveId),
      sessionSecret: config.sessionSecret ?? randomSessionSecret(),
      log,
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      customers: config.customers,
      diveId: config.diveId,
      ...(emulator && { emulator }),
      redis: store !== undefined,
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await emulator?.close();
        await store?.close();
      },
    };
  } catch (error) {
    await emulator?.close();
    await store?.close();
    throw error;
  }
}
