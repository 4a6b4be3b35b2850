// The emulator for a test file, with every exchange checked against the spec by ajv.
import { afterEach, expect } from "vitest";
import { useStarted } from "./lifecycle.js";
import { startEmulator } from "../../src/emulator/index.js";
import type { Emulator, Exchange } from "../../src/emulator/index.js";
import { requestViolations, responseViolations } from "./contract.js";

export function exchangeViolations(exchange: Exchange): string[] {
  if (!exchange.operationId) return [];
  const bodyText = exchange.requestBody === undefined ? "" : JSON.stringify(exchange.requestBody);
  return [
    ...requestViolations(exchange.method, exchange.url, exchange.requestBody, bodyText),
    ...responseViolations(exchange.operationId, exchange.status, exchange.responseBody),
  ];
}

/**
 * One emulator for the enclosing file or describe block. After each test, every request the client sent
 * and every answer the emulator gave must have conformed to the spec.
 */
export function useEmulator(): Emulator & { exchanges: Exchange[] } {
  const exchanges: Exchange[] = [];
  const violations: string[] = [];
  const started = useStarted(
    () =>
      startEmulator({
        onExchange(exchange) {
          exchanges.push(exchange);
          violations.push(...exchangeViolations(exchange));
        },
      }),
    (emulator) => emulator.close(),
  );
  afterEach(() => {
    expect(violations.splice(0)).toEqual([]);
    exchanges.length = 0;
  });
  return {
    exchanges,
    get url() {
      return started().url;
    },
    get adminToken() {
      return started().adminToken;
    },
    get memberToken() {
      return started().memberToken;
    },
    addUser: (user) => started().addUser(user),
    activate: (username, ducklings, where) => started().activate(username, ducklings, where),
    deactivate: (username, where) => started().deactivate(username, where),
    embedSessions: () => started().embedSessions(),
    advanceTime: (seconds) => started().advanceTime(seconds),
    close: () => started().close(),
  };
}
