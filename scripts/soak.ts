// `npm run soak`: load and soak against the emulator, behind a loopback proxy that answers a random share of
// requests with 429. It checks that every create resolves exactly once and that no token exists twice, then
// makes many sequential calls and prints how the heap grew. A script, not a timed test: it asserts no timings.
import { createServer, request as forward } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { createMotherDuckClient } from "../src/index.js";
import { startEmulator } from "../src/emulator/index.js";
// The same seeded generator the emulator picks its faults with, so that a run can be repeated exactly.
import { seededRandom } from "../src/emulator/faults.js";

export interface SoakOptions {
  creates: number;
  concurrency: number;
  sequential: number;
  /** The share of requests the proxy answers with 429 instead of passing on. */
  rateLimitRate: number;
  seed: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  creates: number;
  resolved: number;
  rejected: number;
  listed: number;
  duplicates: number;
  missing: number;
  unexpected: number;
  injected429s: number;
  sequentialCalls: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A proxy that passes requests on to `target`, except a random share it answers 429 itself. */
function rateLimitingProxy(target: URL, rate: number, random: () => number) {
  const counts = { injected: 0 };
  const server = createServer((req, res) => {
    if (random() < rate) {
      counts.injected++;
      req.resume();
      res.writeHead(429, { "retry-after": "0", "content-type": "application/json" });
      res.end(JSON.stringify({ code: "RATE_LIMITED", message: "Too Many Requests" }));
      return;
    }
    const upstream = forward(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return { server, counts };
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const emulator = await startEmulator();
  const proxy = rateLimitingProxy(new URL(emulator.url), options.rateLimitRate, random);
  const baseUrl = await listen(proxy.server);
  try {
    // Enough retries that a run of injected 429s never exhausts them in practice.
    const md = createMotherDuckClient({ baseUrl, token: emulator.adminToken, maxRetries: 10 });
    const account = `soak_${options.seed}`;
    await md.users.createServiceAccount(account);

    log(`creating ${options.creates} tokens at concurrency ${options.concurrency}…`);
    const settled = new Array<"resolved" | "rejected" | undefined>(options.creates);
    const ids: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < options.creates) {
        const index = next++;
        try {
          const token = await md.tokens.create(account, { name: `soak-${index}` });
          if (settled[index]) throw new Error(`create ${index} settled twice`);
          settled[index] = "resolved";
          ids.push(token.id);
        } catch (error) {
          if (settled[index]) throw new Error(`create ${index} settled twice`);
          settled[index] = "rejected";
          log(`create ${index} failed: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));

    const listed = (await md.tokens.list(account)).map((t) => t.id);
    const listedSet = new Set(listed);
    const createdSet = new Set(ids);
    const result: SoakResult = {
      creates: options.creates,
      resolved: settled.filter((s) => s === "resolved").length,
      rejected: settled.filter((s) => s === "rejected").length,
      listed: listed.length,
      duplicates: listed.length - listedSet.size + (ids.length - createdSet.size),
      missing: ids.filter((id) => !listedSet.has(id)).length,
      unexpected: listed.filter((id) => !createdSet.has(id)).length,
      injected429s: 0,
      sequentialCalls: options.sequential,
      heapBeforeMiB: 0,
      heapAfterMiB: 0,
    };

    log(`making ${options.sequential} sequential calls…`);
    // Measure from a warmed-up process, so that compiled code and pools do not count as growth.
    const warmUp = Math.ceil(options.sequential / 10);
    for (let i = 0; i < warmUp; i++) await md.tokens.list("alice");
    result.heapBeforeMiB = heapMiB();
    for (let i = warmUp; i < options.sequential; i++) await md.tokens.list("alice");
    result.heapAfterMiB = heapMiB();
    result.injected429s = proxy.counts.injected;
    return result;
  } finally {
    proxy.server.closeAllConnections();
    await new Promise((resolve) => proxy.server.close(resolve));
    await emulator.close();
  }
}

export function summary(r: SoakResult): string {
  const growth = r.heapAfterMiB - r.heapBeforeMiB;
  return (
    `soak: ${r.resolved}/${r.creates} creates resolved once, ${r.rejected} rejected, ${r.listed} listed, ` +
    `${r.duplicates} duplicates, ${r.missing} missing, ${r.unexpected} unexpected, ${r.injected429s} injected 429s; ` +
    `${r.sequentialCalls} sequential calls, heap ${r.heapBeforeMiB.toFixed(1)} → ${r.heapAfterMiB.toFixed(1)} MiB ` +
    `(${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MiB)`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      creates: { type: "string", default: "1000" },
      concurrency: { type: "string", default: "100" },
      sequential: { type: "string", default: "50000" },
      "rate-limit": { type: "string", default: "0.2" },
      seed: { type: "string", default: "1" },
    },
  });
  const result = await runSoak({
    creates: Number(values.creates),
    concurrency: Number(values.concurrency),
    sequential: Number(values.sequential),
    rateLimitRate: Number(values["rate-limit"]),
    seed: Number(values.seed),
    log: (line) => console.error(line),
  });
  console.log(summary(result));
  const healthy =
    result.resolved === result.creates &&
    result.listed === result.creates &&
    result.duplicates + result.missing + result.unexpected === 0;
  if (!healthy) process.exitCode = 1;
}
