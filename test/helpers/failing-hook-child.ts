// Run as a child process by emulator-hardening.test.ts and emulator-review.test.ts: an emulator whose
// onExchange hook always fails in the way argv[2] names, thrown or rejected, with an Error or with a value
// that resists being printed. An unhandled rejection would end this process with a non-zero code, which the
// parent sees; a guarded hook lets every request be answered and the process exit 0.
import { startEmulator } from "../../src/emulator/index.js";

let secret = "";
// The message quotes a token, as a failed assertion on an exchange might: it must not reach stderr.
const quotingError = () => new Error(`hook failed on purpose, holding ${secret}`);
const messageThatThrows = () =>
  Object.defineProperty(new Error("unread"), "message", {
    get() {
      throw new Error("message getter failed on purpose");
    },
  });
const prototypeTrap = () =>
  new Proxy(
    {},
    {
      getPrototypeOf() {
        throw new Error("getPrototypeOf trap failed on purpose");
      },
    },
  );
const failures: Record<string, () => unknown> = {
  throw: quotingError,
  reject: quotingError,
  "throw-null-prototype": () => Object.create(null),
  "reject-null-prototype": () => Object.create(null),
  "reject-throwing-message": messageThatThrows,
  "reject-prototype-trap": prototypeTrap,
};
const mode = process.argv[2] !== undefined && process.argv[2] in failures ? process.argv[2] : "throw";
const failure = failures[mode]!;
const fail = () => {
  throw failure();
};
const emulator = await startEmulator({
  onExchange: mode.startsWith("reject") ? async () => fail() : fail,
});
secret = emulator.adminToken;
const statuses: number[] = [];
for (let i = 0; i < 3; i++) {
  const response = await fetch(`${emulator.url}/v1/users/alice/tokens`, {
    headers: { authorization: `Bearer ${emulator.adminToken}` },
  });
  await response.arrayBuffer();
  statuses.push(response.status);
}
// A rejection nobody handles is reported after the current macrotask: give it time to surface.
await new Promise((resolve) => setTimeout(resolve, 100));
await emulator.close();
process.stdout.write(JSON.stringify({ statuses, secret }));
