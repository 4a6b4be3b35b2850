// Run as a child process by emulator-hardening.test.ts: an emulator whose onExchange hook always fails,
// thrown or rejected (argv[2]). An unhandled rejection would end this process with a non-zero code,
// which the parent sees; a guarded hook lets every request be answered and the process exit 0.
import { startEmulator } from "../../src/emulator/index.js";

const mode = process.argv[2] === "reject" ? "reject" : "throw";
let secret = "";
const fail = () => {
  // The message quotes a token, as a failed assertion on an exchange might: it must not reach stderr.
  throw new Error(`hook failed on purpose, holding ${secret}`);
};
const emulator = await startEmulator({
  onExchange: mode === "reject" ? async () => fail() : fail,
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
