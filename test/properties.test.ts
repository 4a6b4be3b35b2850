// Property-based: for any input, the client either refuses it with a ValidationError and sends nothing,
// or sends a request that conforms to the spec and whose path segments the server decodes back exactly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError, createMotherDuckClient } from "../src/index.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import type { RecordedRequest, Reply } from "./helpers/recording-server.js";
import { OLD_ID, newToken, tokenInfo } from "./helpers/token-fixtures.js";
import { TOKEN_TYPES, ttlRule, usernameRule } from "./helpers/rules.js";

const awkward = [
  "\u0000",
  "\n",
  "\t",
  "\u007f",
  "\u200b",
  "/",
  "?",
  "#",
  "%",
  "%2F",
  " ",
  ".",
  "\ud800",
  "\udfff",
  "é",
  "🦆",
  "名",
];
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...awkward), maxLength: 12 }),
  fc.string({ unit: "binary", minLength: usernameRule.maxLength - 2, maxLength: usernameRule.maxLength + 2 }),
  fc.string({ minLength: 1000, maxLength: 3000 }),
  fc.constantFrom(
    "",
    ".",
    "..",
    "svc_etl",
    "x".repeat(usernameRule.maxLength),
    "🦆".repeat(usernameRule.maxLength + 1),
  ),
);
const oddNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.integer({ min: ttlRule.minimum - 2, max: ttlRule.minimum + 2 }),
  fc.integer({ min: ttlRule.maximum - 2, max: ttlRule.maximum + 2 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, ttlRule.minimum + 0.5, Number.MAX_VALUE, Number.MIN_VALUE),
);
const anyValue = fc.oneof(text, oddNumber, fc.boolean(), fc.constant(null), fc.constant(undefined), fc.jsonValue());
const body = fc.oneof(
  fc.record(
    {
      name: fc.oneof(text, anyValue),
      ttl: fc.oneof(oddNumber, anyValue),
      token_type: fc.oneof(fc.constantFrom(...TOKEN_TYPES), text),
    },
    { requiredKeys: [] },
  ),
  fc.record({ name: text }),
  fc
    .tuple(fc.record({ name: text }), fc.dictionary(text, fc.jsonValue(), { maxKeys: 2 }))
    .map(([b, extra]) => ({ ...extra, ...b })),
  anyValue,
);

const server = useRecordingServer();
// No warn destination: a read-scaling create is then exactly one request (the S5 check lists first otherwise).
const md = () => createMotherDuckClient({ token: "md-test-bearer", baseUrl: server.url, maxRetries: 0, logger: {} });

function answer(request: RecordedRequest): Reply {
  if (request.method === "GET") return { body: { tokens: [tokenInfo(OLD_ID)] } };
  if (request.method === "DELETE")
    return { body: request.segments.length === 3 ? { username: request.segments[2] } : {} };
  if (request.segments.length === 2) return { body: { username: (request.json as { username: string }).username } };
  return { body: newToken() };
}

/** Exactly one of: refused with nothing sent, or sent once, conforming, with each segment arriving as itself. */
async function holds(
  call: () => Promise<unknown>,
  expectedSegments: (string | undefined)[],
): Promise<"refused" | "sent"> {
  server.requests.length = 0;
  const outcome = await call().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (outcome !== undefined) {
    expect(outcome).toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
    return "refused";
  }
  expect(server.requests).toHaveLength(1);
  expect(server.contractViolations.splice(0)).toEqual([]);
  const { segments } = server.requests[0]!;
  expectedSegments.forEach((segment, i) => {
    if (segment !== undefined) expect(segments[i]).toBe(segment);
  });
  return "sent";
}

const runs = { numRuns: 300 };

describe("for any input", () => {
  it("tokens.create refuses it or sends it intact, and the generators reach both outcomes", async () => {
    server.reply(answer);
    const seen = { refused: 0, sent: 0 };
    await fc.assert(
      fc.asyncProperty(text, body, async (username, b) => {
        seen[await holds(() => md().tokens.create(username, b as never), ["v1", "users", username, "tokens"])]++;
      }),
      runs,
    );
    // A property that only ever refused, or only ever sent, would prove little. Each share is about a tenth
    // or more; the bound is far below that, so that a random run never fails it by chance.
    expect(seen.refused).toBeGreaterThan(5);
    expect(seen.sent).toBeGreaterThan(5);
  });

  it("tokens.delete refuses it or sends both segments intact", async () => {
    server.reply(answer);
    await fc.assert(
      fc.asyncProperty(text, text, async (username, tokenId) => {
        await holds(() => md().tokens.delete(username, tokenId), ["v1", "users", username, "tokens", tokenId]);
      }),
      runs,
    );
  });

  it("tokens.list and users.delete refuse it or send it intact", async () => {
    server.reply(answer);
    await fc.assert(
      fc.asyncProperty(text, async (username) => {
        await holds(() => md().tokens.list(username), ["v1", "users", username, "tokens"]);
        await holds(() => md().users.delete(username), ["v1", "users", username]);
      }),
      runs,
    );
  });

  it("users.createServiceAccount refuses it or sends a conforming body", async () => {
    server.reply(answer);
    await fc.assert(
      fc.asyncProperty(fc.oneof(text, fc.stringMatching(/^\p{L}[\p{L}\d_]{0,20}$/u), anyValue), async (username) => {
        await holds(() => md().users.createServiceAccount(username as string), ["v1", "users"]);
      }),
      runs,
    );
  });
});
