// What a server writes into an error, its issues included, reaches a caller scrubbed, escaped and bounded, each
// tried against a real loopback server; and the escapes cover the Unicode line separators and bidi controls.
import { describe, expect, it } from "vitest";
import { BadRequestError, createMotherDuckClient } from "../src/index.js";
import { MAX_ISSUES, MESSAGE_LENGTH } from "../src/errors.js";
import { createRedactor } from "../src/redact.js";
import { jsonText, terminalSafe, terminalSafeLines } from "../src/printable.js";
import { safeLogger } from "../src/logger.js";
import { runCli } from "./helpers/cli.js";
import { useRecordingServer } from "./helpers/recording-server.js";

const BEARER = "md-test-bearer-server-text-0123456789";
const server = useRecordingServer();
const client = () => createMotherDuckClient({ token: BEARER, baseUrl: server.url, maxRetries: 0, logger: {} });
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );
// Every character that breaks a line or reorders text on screen, beyond C0 and C1.
const HIDDEN = ["\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"];
const MORE_HIDDEN = ["\u2069", "\u200e", "\u200f", "\u061c", "\ufeff"];

/** Every string in a JSON value, keys included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
}

describe("a server's issues are server text: escaped, cut and bounded", () => {
  it("line breaks, ESC and BEL in an issue's path and message are escaped, so no line is forged", async () => {
    server.reply({
      status: 400,
      body: { code: "BAD", message: "no", issues: [{ path: "a\nHint: forged", message: "m\u001b]0;title\u0007" }] },
    });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.issues).toEqual([{ path: "a\\nHint: forged", message: "m\\e]0;title\\x07" }]);
    expect(JSON.stringify(error)).not.toMatch(/\\n(?!Hint: forged)|\\u001b|\\u0007/);
  });

  it("keeps the first 100 of 20,000 issues, with a marker saying how many were dropped", async () => {
    const issues = Array.from({ length: 20_000 }, (_, i) => ({ path: `f${i}`, message: "bad" }));
    server.reply({ status: 400, body: { message: "no", issues } });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    expect(error.issues).toHaveLength(MAX_ISSUES + 1);
    expect(error.issues.slice(0, MAX_ISSUES)).toEqual(issues.slice(0, MAX_ISSUES));
    expect(error.issues[MAX_ISSUES]).toEqual({ message: `[${20_000 - MAX_ISSUES} more issues not kept]` });
    expect(JSON.stringify(error).length).toBeLessThan(20_000);
  });

  it("cuts every issue string, and every key, to the message limit", async () => {
    const long = "p".repeat(5_000);
    const key = "k".repeat(3_000);
    server.reply({ status: 400, body: { issues: [{ path: long, message: long, [key]: { nested: long } }] } });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    const all = strings(error.issues);
    expect(all.filter((text) => /^[pk]{1000}/.test(text))).toHaveLength(4);
    for (const text of all) expect(text.length).toBeLessThanOrEqual(MESSAGE_LENGTH + 1);
  });

  it("keeps an issue's \"__proto__\" key as data, not as the copy's prototype", async () => {
    server.reply({ status: 400, body: '{"issues":[{"message":"m","__proto__":{"polluted":true}}]}' });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    const issue = error.issues[0]!;
    expect(Object.getPrototypeOf(issue)).toBe(Object.prototype);
    expect(Object.hasOwn(issue, "__proto__")).toBe(true);
    expect((issue as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(error.issues)).toBe('[{"message":"m","__proto__":{"polluted":true}}]');
  });

  it("still scrubs a bearer token sent back in an issue", async () => {
    server.reply({ status: 400, body: { issues: [{ path: `Bearer ${BEARER}`, message: `echo ${BEARER}` }] } });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    expect(JSON.stringify(error)).not.toContain(BEARER);
    expect(error.issues).toEqual([{ path: "Bearer [REDACTED]", message: "echo [REDACTED]" }]);
  });
});

describe("the redactor leaves text it already scrubbed unchanged", () => {
  it("scrubbing twice gives no stray ']' after the marker", () => {
    const redact = createRedactor([]);
    const once = redact("Authorization: Bearer abcdefghijkl, next");
    expect(once).toBe("Authorization: Bearer [REDACTED], next");
    expect(redact(once)).toBe(once);
  });

  it("an error message that quotes a bearer credential shows the marker once", async () => {
    server.reply({ status: 400, body: { message: "got Authorization: Bearer abcdefghijkl" } });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    expect(error.message).toContain("Bearer [REDACTED]");
    expect(error.message).not.toContain("[REDACTED]]");
  });
});

describe("Unicode line separators, bidi controls and U+FEFF are escaped wherever text is made printable", () => {
  const escapedForm = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

  it("each is escaped as \\uXXXX on one line, in whole lines, and in JSON for stdout", () => {
    for (const c of [...HIDDEN, ...MORE_HIDDEN]) {
      expect(terminalSafe(`a${c}b`)).toBe(`a${escapedForm(c)}b`);
      expect(terminalSafeLines(`a${c}b\n`)).toBe(`a${escapedForm(c)}b\n`);
      const json = jsonText({ v: `a${c}b` });
      expect(json).toContain(`a${escapedForm(c)}b`);
      expect(JSON.parse(json)).toEqual({ v: `a${c}b` });
    }
  });

  it("a server's message with U+2028 cannot forge a hint line", async () => {
    server.reply({
      status: 400,
      body: { message: "a\u2028Hint: forged\u202eevil", issues: [{ message: "x\u2029y" }] },
    });
    const error = (await failure(client().tokens.list("svc_etl"))) as BadRequestError;
    expect(error.message).toContain("a\\u2028Hint: forged\\u202eevil");
    expect(error.message).toContain("x\\u2029y");
    expect(error.issues[0]!.message).toBe("x\\u2029y");
    expect(error.message).not.toMatch(/[\u2028\u2029\u202e]/);
  });

  it("a log line holding them is escaped before it reaches the logger", () => {
    const lines: string[] = [];
    const logger = safeLogger({ warn: (message) => void lines.push(message) }, createRedactor([]));
    logger.warn!("user a\u2028Hint: forged\u202e");
    expect(lines).toEqual(["user a\\u2028Hint: forged\\u202e"]);
  });

  it("the CLI prints a server's message holding them escaped, on one line", async () => {
    server.reply({ status: 400, body: { message: "bad\u2028Hint: run this\u2067evil" } });
    const result = await runCli(["tokens", "list", "svc_etl"], {
      MOTHERDUCK_TOKEN: BEARER,
      MOTHERDUCK_API_BASE_URL: server.url,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("bad\\u2028Hint: run this\\u2067evil");
    expect(result.stderr).not.toMatch(/[\u2028\u2029\u2067]/);
  }, 20_000);
});
