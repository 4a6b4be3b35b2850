// `motherduck-rest emulator`: stdout is a script a shell can source (`export` lines and `#` comments),
// so `eval "$(motherduck-rest emulator ...)"` or `source <(...)` works; status lines go to stderr.
import { startEmulator } from "../emulator/index.js";
import type { FlagValues } from "./args.js";
import { UsageError } from "./args.js";
import type { Output } from "./deliver.js";
import { EXIT_FAILED, ReportedFailure } from "./output.js";
import { shellQuote } from "./shell.js";
import { line } from "../printable.js";

export const DEFAULT_EMULATOR_PORT = 4010;

/** The sourceable lines that point a shell at a running emulator. */
export function emulatorExports(emulator: { url: string; adminToken: string; memberToken: string }): string {
  return [
    "# MotherDuck REST API emulator: alice is an Admin and bob a Member of organization acme.",
    `export MOTHERDUCK_API_BASE_URL=${shellQuote(emulator.url)}`,
    "# alice, Admin of acme",
    `export MOTHERDUCK_TOKEN=${shellQuote(emulator.adminToken)}`,
    "# bob, Member of acme",
    `export MOTHERDUCK_MEMBER_TOKEN=${shellQuote(emulator.memberToken)}`,
    "",
  ].join("\n");
}

function parsePort(text: string | boolean | undefined): number {
  if (text === undefined) return DEFAULT_EMULATOR_PORT;
  const port = Number(text);
  if (typeof text !== "string" || !/^\d+$/.test(text) || port > 65_535) {
    throw new UsageError(line`--port takes a port number from 0 to 65535, not "${text}"`);
  }
  return port;
}

/** `--rate-limit <n>`: requests per second per organization, a positive number. */
function parseRateLimit(text: string | boolean | undefined): { perSecond: number } | undefined {
  if (text === undefined) return undefined;
  const perSecond = Number(text);
  if (typeof text !== "string" || !/^\d+(\.\d+)?$/.test(text) || !(perSecond > 0)) {
    throw new UsageError(
      line`--rate-limit takes the requests per second per organization (a number above 0), not "${text}"`,
    );
  }
  return { perSecond };
}

export async function runEmulator(values: FlagValues, out: Output): Promise<void> {
  const port = parsePort(values.port);
  const rateLimit = parseRateLimit(values["rate-limit"]);
  const host = typeof values.host === "string" ? values.host : undefined;
  let emulator;
  try {
    emulator = await startEmulator({ port, ...(host !== undefined && { host }), ...(rateLimit && { rateLimit }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EADDRINUSE" && code !== "EADDRNOTAVAIL" && code !== "EACCES") throw error;
    const where = line`${host ?? "127.0.0.1"}:${port}`;
    const hint =
      code === "EADDRINUSE"
        ? "another program listens there; pick another --port, or --port 0 for any free one"
        : code === "EACCES"
          ? "that port needs privileges; use a port above 1023, or --port 0 for any free one"
          : "that address is not one of this machine's; try --host 127.0.0.1";
    out.say(`error: the emulator cannot listen on ${where} (${code}).\nhint: ${hint}\n`);
    throw new ReportedFailure(EXIT_FAILED);
  }
  await out.result(emulatorExports(emulator));
  const limited = rateLimit ? line`, limited to ${rateLimit.perSecond} requests per second per organization` : "";
  out.say(line`MotherDuck REST API emulator listening on ${emulator.url}` + `${limited}; stop it with Ctrl-C.\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emulator.close();
  out.say("emulator stopped\n");
}
