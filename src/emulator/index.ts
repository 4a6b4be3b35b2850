// A local MotherDuck REST API for tests, demos and anyone without an account. It keeps state and
// enforces the token-scope table, which stateless mock servers cannot.
import type { AddressInfo } from "node:net";
import type { Role } from "../scope.js";
import { Store } from "./store.js";
import { createEmulatorServer } from "./server.js";
import type { Exchange } from "./server.js";

export type { Exchange };

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Called after each answer, with the request and the answer: for tests that check the traffic. */
  onExchange?: (exchange: Exchange) => void;
}

/** A running emulator. */
export interface Emulator {
  /** The base URL to give the client. */
  url: string;
  /** A read/write token of `alice`, an Admin of organization `acme`. */
  adminToken: string;
  /** A read/write token of `bob`, a Member of organization `acme`. */
  memberToken: string;
  /** Adds a user (organization `acme` unless told) and returns a read/write token for them. */
  addUser(user: { username: string; role: Role; organization?: string }): { token: string };
  /** Moves the emulator's clock forward, so that tokens expire without waiting. */
  advanceTime(seconds: number): void;
  close(): Promise<void>;
}

/**
 * Starts a local MotherDuck REST API on loopback, seeded with organization "acme": `alice` (Admin) and `bob`
 * (Member), each with a read/write token. It enforces the spec's rules, revocation, expiry and the scope
 * table (S1 to S4), so tests of your own code meet the same refusals the real API gives.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = new Store();
  const addUser = ({
    username,
    role,
    organization = "acme",
  }: {
    username: string;
    role: Role;
    organization?: string;
  }) => {
    const user = store.addUser({ username, role, organization, serviceAccount: false });
    return { token: store.createToken(user, { name: "seed" }).secret };
  };
  const adminToken = addUser({ username: "alice", role: "admin" }).token;
  const memberToken = addUser({ username: "bob", role: "member" }).token;

  const server = createEmulatorServer(store, options.onExchange);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    adminToken,
    memberToken,
    addUser,
    advanceTime: (seconds) => store.advance(seconds),
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
