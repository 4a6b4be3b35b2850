// `npm run bench`: what this layer costs over raw fetch. Every figure is measured side by side in this one
// run, with the contenders interleaved, and printed as a ratio against its baseline, with its budget and
// PASS or MISS beside it; a summary of the budgets closes the run. It fails on nothing: these machines are
// noisy, so the ratios are what to compare (`npm test` enforces the bundle budget, which is deterministic).
// The tenants figures are time against the floor a rate limit allows, beside a naive loop over the client.
import { fork, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUNDLE_BUDGET_BYTES, bundleBreakdown, bundleSizes } from "./bundle-size.js";
import createClient from "openapi-fetch";
import type { paths } from "../src/index.js";
import type { TenantSpec } from "../src/tenants/index.js";
import { enums } from "../src/rules.js";

const root = join(fileURLToPath(import.meta.url), "../..");

/**
 * The built package, which is what users run; `npm run bench` builds it first. Typed by the sources, since
 * dist/ does not exist until then. Only the measuring process loads it, not the server process.
 */
async function loadBuilt() {
  const distIndex: string = "../dist/index.js";
  const distEmulator: string = "../dist/emulator/index.js";
  const { createMotherDuckClient, createEmbedSessionCache } = (await import(
    distIndex
  )) as typeof import("../src/index.js");
  const distTenants: string = "../dist/tenants/index.js";
  const { startEmulator } = (await import(distEmulator)) as typeof import("../src/emulator/index.js");
  const { createTenants, memorySecretStore } = (await import(distTenants)) as typeof import("../src/tenants/index.js");
  return { createMotherDuckClient, createEmbedSessionCache, startEmulator, createTenants, memorySecretStore };
}
type Built = Awaited<ReturnType<typeof loadBuilt>>;
const here = fileURLToPath(import.meta.url);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}x`;
const line = (label: string, value: string, vs: string) =>
  console.log(`${label.padEnd(44)} ${value.padStart(14)}  ${vs}`);
const heading = (text: string) => console.log(`\n${text}`);

/** A budget: the figure it bounds, which way, and the limit, as a ratio or in bytes. */
interface Budget {
  what: string;
  bound: "at most" | "at least";
  limit: number;
  show: (value: number) => string;
}
const BUDGETS = {
  perCall: {
    what: "per call, md.tokens.create vs raw fetch + timeout signal",
    bound: "at most",
    limit: 1.1,
    show: (r: number) => `${r.toFixed(2)}x`,
  },
  throughput: {
    what: "throughput at concurrency 64 vs raw fetch + timeout signal",
    bound: "at least",
    limit: 0.9,
    show: (r: number) => `${r.toFixed(2)}x`,
  },
  bundle: {
    what: "one-token app bundle, gzipped",
    bound: "at most",
    limit: BUNDLE_BUDGET_BYTES,
    show: (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`,
  },
  bundleVsOctokit: {
    what: "one-token app bundle vs Octokit's, gzipped",
    bound: "at most",
    limit: 1,
    show: (r: number) => `${r.toFixed(2)}x`,
  },
  coldImport: {
    what: 'cold import() vs import("openapi-fetch")',
    bound: "at most",
    limit: 1.5,
    show: (r: number) => `${r.toFixed(2)}x`,
  },
} satisfies Record<string, Budget>;
const verdicts: string[] = [];

/** Whether a figure is within its budget, as printed beside the figure: "budget ≤ 1.10x  PASS". */
function judge(budget: Budget, value: number): string {
  const pass = budget.bound === "at most" ? value <= budget.limit : value >= budget.limit;
  const verdict = `budget ${budget.bound === "at most" ? "≤" : "≥"} ${budget.show(budget.limit)}  ${pass ? "PASS" : "MISS"}`;
  verdicts.push(`${budget.what.padEnd(62)} ${budget.show(value).padStart(9)}  ${verdict}`);
  return verdict;
}

/** The loopback API the client benchmarks call: a separate process, so that it does not share our CPU time. */
function serverProcess(): Promise<{ url: string; stop: () => void }> {
  const child = fork(here, ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve) =>
    child.once("message", (url) => resolve({ url: url as string, stop: () => child.kill() })),
  );
}

async function serve() {
  const { createServer } = await import("node:http");
  const body = JSON.stringify({
    token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW5jaCJ9.c2lnbmF0dXJl",
    id: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    name: "bench",
    created_ts: "2026-11-27T00:00:00.000Z",
    read_only: false,
    token_type: enums.token_type.read_write,
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(body));
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address() as { port: number };
    process.send!(`http://127.0.0.1:${address.port}`);
  });
}

type Call = () => Promise<unknown>;

const benchToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
const rawHeaders = {
  authorization: `Bearer ${benchToken}`,
  "content-type": "application/json",
  accept: "application/json",
  "user-agent": "bench",
};

function rawCreate(url: string, signal?: AbortSignal): Promise<unknown> {
  return fetch(`${url}/v1/users/alice/tokens`, {
    method: "POST",
    headers: rawHeaders,
    body: JSON.stringify({ name: "bench", ttl: 3600 }),
    signal,
  }).then((response) => response.json());
}

/**
 * Raw fetch with what every call of this client must have: a per-attempt timeout, which needs an
 * AbortSignal and a timer per request. The budgets compare the client with this, not with bare fetch.
 */
async function rawCreateWithTimeout(url: string): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    return await rawCreate(url, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}
const TIMEOUT_BASELINE = "raw fetch + timeout signal";

/**
 * The contenders every figure compares: raw fetch, the same with the per-attempt timeout signal (the
 * baseline of the budgets), openapi-fetch as its docs use it, and this client.
 */
function contenders({ createMotherDuckClient }: Built, url: string): Record<string, Call> {
  const bare = createClient<paths>({ baseUrl: url, headers: rawHeaders });
  const md = createMotherDuckClient({ baseUrl: url, token: benchToken, maxRetries: 0 });
  return {
    "raw fetch": () => rawCreate(url),
    [TIMEOUT_BASELINE]: () => rawCreateWithTimeout(url),
    "bare openapi-fetch": () =>
      bare.POST("/v1/users/{username}/tokens", {
        params: { path: { username: "alice" } },
        body: { name: "bench", ttl: 3600 },
      }),
    "md.tokens.create": () => md.tokens.create("alice", { name: "bench", ttl: 3600 }),
  };
}

/**
 * Where the per-call cost goes, beyond the timeout signal: openapi-fetch costs what it costs even without a
 * WHATWG Request or any check.
 */
function costParts(url: string): Record<string, Call> {
  class PlainHolder {
    readonly url: string;
    readonly init: RequestInit;
    constructor(url: string, init: RequestInit) {
      this.url = url;
      this.init = init;
    }
  }
  const thin = createClient<paths>({
    baseUrl: url,
    headers: rawHeaders,
    Request: PlainHolder as unknown as typeof Request,
    fetch: ((request: PlainHolder) => fetch(request.url, request.init)) as unknown as typeof fetch,
  });
  return {
    "openapi-fetch, plain request, no checks": () =>
      thin.POST("/v1/users/{username}/tokens", {
        params: { path: { username: "alice" } },
        body: { name: "bench", ttl: 3600 },
      }),
  };
}

async function perCallOverhead(calls: Record<string, Call>) {
  heading("Per-call overhead: µs per sequential call (loopback, server in another process)");
  const names = Object.keys(calls);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const call of Object.values(calls)) for (let i = 0; i < 500; i++) await call();
  // Many short interleaved rounds; each round's ratio compares runs made moments apart, which cancels
  // most of the drift a shared machine adds. The figure is the median of those ratios.
  for (let round = 0; round < 160; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      const start = performance.now();
      for (let i = 0; i < 40; i++) await calls[name]!();
      samples[name]!.push(((performance.now() - start) / 40) * 1000);
    }
  }
  // Each contender's median per-round ratio against raw fetch and against the timeout baseline.
  const ratioTo = (name: string, baseline: string) =>
    median(samples[name]!.map((value, round) => value / samples[baseline]![round]!));
  console.log(`${"".padEnd(44)} ${"".padStart(14)}  vs raw fetch  vs + timeout`);
  for (const name of names) {
    const vsTimeout = ratioTo(name, TIMEOUT_BASELINE);
    const verdict = name === "md.tokens.create" ? `  ${judge(BUDGETS.perCall, vsTimeout)}` : "";
    line(
      name,
      `${median(samples[name]!).toFixed(1)} µs`,
      `${ratioTo(name, "raw fetch").toFixed(2)}x`.padStart(12) + `${vsTimeout.toFixed(2)}x`.padStart(14) + verdict,
    );
  }
}

async function throughput(calls: Record<string, Call>) {
  heading("Throughput at concurrency 64: calls per second (median of interleaved rounds)");
  const names = Object.keys(calls);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const total = 2000;
  for (let round = 0; round < 12; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      let next = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next++ < total) await calls[name]!();
        }),
      );
      rates[name]!.push(total / ((performance.now() - start) / 1000));
    }
  }
  const rate = (name: string) => median(rates[name]!);
  console.log(`${"".padEnd(44)} ${"".padStart(14)}  vs raw fetch  vs + timeout`);
  for (const name of names) {
    const vsTimeout = rate(name) / rate(TIMEOUT_BASELINE);
    const verdict = name === "md.tokens.create" ? `  ${judge(BUDGETS.throughput, vsTimeout)}` : "";
    line(
      name,
      `${rate(name).toFixed(0)} /s`,
      ratio(rate(name), rate("raw fetch")).padStart(12) + `${vsTimeout.toFixed(2)}x`.padStart(14) + verdict,
    );
  }
}

async function bundle() {
  heading("Bundle: an app that creates one token, esbuild --minify, gzip -9");
  const { app, openapiFetch, octokit } = await bundleSizes();
  line("openapi-fetch alone", `${(openapiFetch / 1024).toFixed(2)} KB`, "1.00x");
  line("Octokit core + retry + paginate-rest", `${(octokit / 1024).toFixed(2)} KB`, ratio(octokit, openapiFetch));
  line(
    "motherduck-rest",
    `${(app / 1024).toFixed(2)} KB`,
    `${ratio(app, openapiFetch)}  ${judge(BUDGETS.bundle, app)}`,
  );
  line("motherduck-rest vs Octokit", "", `${ratio(app, octokit)}  ${judge(BUDGETS.bundleVsOctokit, app / octokit)}`);
  const parts = await bundleBreakdown();
  const total = parts.reduce((sum, part) => sum + part.bytes, 0);
  const tenantsBytes = parts
    .filter((part) => part.file.includes("tenants/"))
    .reduce((sum, part) => sum + part.bytes, 0);
  line(
    "  of which tenants code (its own entry point)",
    `${tenantsBytes} B`,
    tenantsBytes ? "MISS" : "none, as promised",
  );
  console.log(
    `  where the bytes come from (what gzip charges for each file, and its minified bytes of ${total} in all):`,
  );
  for (const { file, bytes, gzipBytes } of parts.slice(0, 12))
    line(`    ${file}`, `${gzipBytes} B gz`, `${bytes} B minified (${((bytes / total) * 100).toFixed(0)}%)`);
}

async function coldImport() {
  heading("Cold import in a fresh process: median ms (40 runs each, interleaved; ratio: median of pairs)");
  const time = (specifier: string) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`,
        ],
        { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.on("close", (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`import failed: ${code}`))));
    });
  const samples: Record<string, number[]> = { "openapi-fetch": [], "motherduck-rest": [] };
  for (let i = 0; i < 40; i++) {
    const names = Object.keys(samples);
    for (const name of i % 2 ? names.reverse() : names) samples[name]!.push(await time(name));
  }
  const baseline = samples["openapi-fetch"]!;
  for (const [name, values] of Object.entries(samples)) {
    const pairRatio = median(values.map((value, i) => value / baseline[i]!));
    const verdict = name === "motherduck-rest" ? `  ${judge(BUDGETS.coldImport, pairRatio)}` : "";
    line(`import("${name}")`, `${median(values).toFixed(1)} ms`, `${pairRatio.toFixed(2)}x${verdict}`);
  }
}

async function emulatorFigures({ createMotherDuckClient, startEmulator }: Built, serverUrl: string) {
  heading("Emulator: creates per second on loopback, against the trivial server; RSS after 100,000 tokens");
  const emulator = await startEmulator();
  const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, maxRetries: 0 });
  const trivial = createMotherDuckClient({ baseUrl: serverUrl, token: emulator.adminToken, maxRetries: 0 });
  const rate = async (client: typeof md, count: number) => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next++ < count) await client.tokens.create("alice", { name: "bench" });
      }),
    );
    return count / ((performance.now() - start) / 1000);
  };
  const rssBefore = process.memoryUsage().rss;
  const emulatorRates: number[] = [];
  const trivialRates: number[] = [];
  for (let round = 0; round < 10; round++) {
    emulatorRates.push(await rate(md, 10_000));
    trivialRates.push(await rate(trivial, 2_000));
  }
  (globalThis as { gc?: () => void }).gc?.();
  const rssAfter = process.memoryUsage().rss;
  line("trivial server", `${median(trivialRates).toFixed(0)} /s`, "1.00x");
  line("emulator", `${median(emulatorRates).toFixed(0)} /s`, ratio(median(emulatorRates), median(trivialRates)));
  line("process RSS before", `${(rssBefore / 2 ** 20).toFixed(1)} MiB`, "1.00x");
  line("process RSS after 100,000 tokens", `${(rssAfter / 2 ** 20).toFixed(1)} MiB`, ratio(rssAfter, rssBefore));
  await emulator.close();
}

async function embedCacheFigures({ createMotherDuckClient, createEmbedSessionCache, startEmulator }: Built) {
  heading("Embed sessions on the emulator: a mint against a cached get (memory store); mints for a burst");
  const emulator = await startEmulator();
  const md = createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, maxRetries: 0 });
  await md.users.createServiceAccount("svc_bench");
  const diveId = "8d2f6c1e-4b7a-4e39-9a51-3c0d7e2b9f64";
  const body = { username: "svc_bench", session_name: "bench" };
  const perCall = async (call: () => Promise<unknown>, count: number) => {
    const start = performance.now();
    for (let i = 0; i < count; i++) await call();
    return ((performance.now() - start) * 1000) / count;
  };
  const cache = createEmbedSessionCache(md);
  await cache.get(diveId, body);
  const mints: number[] = [];
  const hits: number[] = [];
  for (let round = 0; round < 5; round++) {
    mints.push(await perCall(() => md.dives.createEmbedSession(diveId, body), 500));
    hits.push(await perCall(() => cache.get(diveId, body), 5_000));
  }
  line("md.dives.createEmbedSession (a mint)", `${median(mints).toFixed(1)} µs`, "1.00x");
  line("cache.get, served from memory", `${median(hits).toFixed(1)} µs`, ratio(median(hits), median(mints)));
  const before = emulator.embedSessions().length;
  const burst = createEmbedSessionCache(md);
  await Promise.all(Array.from({ length: 1_000 }, () => burst.get(diveId, { ...body, session_name: "burst" })));
  line("mints for 1,000 concurrent gets", String(emulator.embedSessions().length - before), "");
  await emulator.close();
}

async function clientMemory(calls: Record<string, Call>) {
  heading("Client memory: heap after 50,000 calls against heap after 1,000");
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return line("(run with --expose-gc)", "-", "-");
  const call = calls["md.tokens.create"]!;
  for (let i = 0; i < 1_000; i++) await call();
  gc();
  const after1k = process.memoryUsage().heapUsed;
  for (let i = 1_000; i < 50_000; i++) await call();
  gc();
  const after50k = process.memoryUsage().heapUsed;
  line("heap after 1,000 calls", `${(after1k / 2 ** 20).toFixed(2)} MiB`, "1.00x");
  line("heap after 50,000 calls", `${(after50k / 2 ** 20).toFixed(2)} MiB`, ratio(after50k, after1k));
}

/** What a rate-limited emulator served (by method) and refused with 429 since it was last asked. */
interface Served {
  served: Record<string, number>;
  total: number;
  refused: number;
}

/**
 * The emulator limited to `perSecond`, in a process of its own so that the client under test does not share
 * its CPU time: otherwise, on a busy machine, the emulator's own speed rather than the limit sets the pace.
 */
async function limitedEmulator(perSecond: number) {
  const child = fork(here, ["--serve-emulator", String(perSecond)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const next = <T>() => new Promise<T>((resolve) => child.once("message", (message) => resolve(message as T)));
  const emulator = await next<{ url: string; adminToken: string }>();
  return {
    emulator,
    take: () => {
      const answer = next<Served>();
      child.send("take");
      return answer;
    },
    stop: () => child.kill(),
  };
}

/** The child side of limitedEmulator: counts every answer, and reports (and resets) the counts when asked. */
async function serveEmulator(perSecond: number) {
  const { startEmulator } = await loadBuilt();
  const served: Record<string, number> = {};
  let refused = 0;
  const emulator = await startEmulator({
    rateLimit: { perSecond },
    onExchange({ status, method }) {
      if (status === 429) refused++;
      else served[method] = (served[method] ?? 0) + 1;
    },
  });
  process.on("message", () => {
    const total = Object.values(served).reduce((a, b) => a + b, 0);
    process.send!({ served: { ...served }, total, refused } satisfies Served);
    for (const method of Object.keys(served)) delete served[method];
    refused = 0;
  });
  process.send!({ url: emulator.url, adminToken: emulator.adminToken });
}

/** A new customer as the bench declares it: a service account, its Ducklings and two tokens. */
const benchTenant = (i: number): TenantSpec => ({
  serviceAccount: `bench_${i}`,
  ducklings: { read_write: { instance_size: enums.instance_size.standard }, read_scaling: { flock_size: 2 } },
  tokens: {
    app: { token_type: enums.token_type.read_write, ttl: 30 * 86_400 },
    dashboard: { token_type: enums.token_type.read_scaling },
  },
});

/**
 * 200 new tenants against an emulator limited to 100 requests per second: the time as a ratio of the floor the
 * limit allows (requests served ÷ 100 s), beside a naive Promise.all over the plain client with its default
 * retries; then a second apply, which should send only reads.
 */
async function tenantsAtTheRateLimit(built: Built) {
  const count = 200;
  const perSecond = 100;
  heading(`Tenants: ${count} new tenants (service account, Ducklings, two tokens) at ${perSecond} requests/s`);
  const specs = Array.from({ length: count }, (_, i) => benchTenant(i));
  const figures = (seconds: number, counts: Served) => {
    const floor = counts.total / perSecond;
    // The burst (perSecond requests, free at the start) makes the true floor a second shorter; the budget keeps
    // the simpler served ÷ perSecond, so a ratio just under 1 is possible.
    const afterBurst = Math.max(0, counts.total - perSecond) / perSecond;
    return (
      `${seconds.toFixed(1)} s, floor ${floor.toFixed(1)} s (${counts.total} served ÷ ${perSecond}/s; ` +
      `${afterBurst.toFixed(1)} s after the burst), ${counts.refused} refused with 429`
    );
  };

  const clientOf = (emulator: { url: string; adminToken: string }) =>
    built.createMotherDuckClient({ baseUrl: emulator.url, token: emulator.adminToken, logger: {} });

  const paced = await limitedEmulator(perSecond);
  try {
    const md = clientOf(paced.emulator);
    const tenants = built.createTenants(md, { secrets: built.memorySecretStore() });
    let start = performance.now();
    const report = await tenants.apply(specs);
    const seconds = (performance.now() - start) / 1000;
    const counts = await paced.take();
    const vsFloor = seconds / (counts.total / perSecond);
    const pass = vsFloor <= 1.2 && report.failed === 0;
    verdicts.push(
      `${`tenants apply, ${count} new, time vs floor; failures ${report.failed}`.padEnd(62)} ${`${vsFloor.toFixed(2)}x`.padStart(9)}  budget ≤ 1.20x, 0 failed  ${pass ? "PASS" : "MISS"}`,
    );
    line("tenants.apply", `${report.failed} failed`, `${vsFloor.toFixed(2)}x the floor: ${figures(seconds, counts)}`);

    start = performance.now();
    const again = await tenants.apply(specs);
    const againSeconds = (performance.now() - start) / 1000;
    const reads = await paced.take();
    const byMethod = Object.entries(reads.served)
      .map(([method, n]) => `${n} ${method}`)
      .join(", ");
    const unchanged = again.tenants.filter((tenant) => tenant.outcome === "unchanged").length;
    line(
      "tenants.apply again",
      `${unchanged}/${count} unchanged`,
      `${byMethod} (${Object.keys(reads.served).every((m) => m === "GET") ? "reads only" : "NOT only reads"}), ${againSeconds.toFixed(1)} s, ${reads.refused} refused with 429`,
    );
  } finally {
    paced.stop();
  }

  const naive = await limitedEmulator(perSecond);
  try {
    const md = clientOf(naive.emulator);
    const start = performance.now();
    const outcomes = await Promise.allSettled(
      specs.map(async (spec) => {
        await md.users.createServiceAccount(spec.serviceAccount);
        await md.ducklings.update(spec.serviceAccount, spec.ducklings!);
        for (const [name, token] of Object.entries(spec.tokens!))
          await md.tokens.create(spec.serviceAccount, { name, ...token });
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const failed = outcomes.filter((outcome) => outcome.status === "rejected").length;
    const counts = await naive.take();
    line(
      "naive Promise.all, client's default retries",
      `${failed} failed`,
      `${(seconds / (counts.total / perSecond)).toFixed(2)}x the floor: ${figures(seconds, counts)}`,
    );
  } finally {
    naive.stop();
  }
}

if (process.argv.includes("--serve-emulator")) {
  await serveEmulator(Number(process.argv[process.argv.indexOf("--serve-emulator") + 1]));
} else if (process.argv.includes("--serve")) {
  await serve();
} else {
  console.log(`motherduck-rest benchmarks — Node ${process.version}, ${process.platform}/${process.arch}`);
  // --only=overhead,throughput,bundle,import,emulator,embed,memory,tenants runs a subset.
  const only = process.argv
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",");
  const wanted = (name: string) => !only || only.includes(name);
  const server = await serverProcess();
  try {
    const built = await loadBuilt();
    const calls = contenders(built, server.url);
    if (wanted("overhead")) await perCallOverhead({ ...calls, ...costParts(server.url) });
    if (wanted("throughput")) await throughput(calls);
    if (wanted("bundle")) await bundle();
    if (wanted("import")) await coldImport();
    if (wanted("emulator")) await emulatorFigures(built, server.url);
    if (wanted("embed")) await embedCacheFigures(built);
    if (wanted("memory")) await clientMemory(calls);
    if (wanted("tenants")) await tenantsAtTheRateLimit(built);
  } finally {
    server.stop();
  }
  if (verdicts.length) {
    heading("Budgets");
    for (const verdict of verdicts) console.log(verdict);
  }
}
