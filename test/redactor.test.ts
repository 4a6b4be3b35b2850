// The redactor's own rules, as the README's Secrets section states them.
import { describe, expect, it } from "vitest";
import { MAX_COPY_DEPTH, createRedactor, redactDeep, scrubbedCause } from "../src/redact.js";

describe("the redactor", () => {
  it("scrubs the bearer token, JWT-shaped text and whatever follows Bearer", () => {
    const redact = createRedactor(["md-bearer-0123456789"]);
    expect(redact("a md-bearer-0123456789 b")).toBe("a [REDACTED] b");
    expect(redact("x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln y")).toBe("x [REDACTED] y");
    expect(redact("authorization=Bearer opaque.value-1;")).toBe("authorization=Bearer [REDACTED];");
    expect(redact("Authorization: bearer%20abc")).toBe("Authorization: bearer%20[REDACTED]");
  });

  it("scrubs a quoted bearer value, and JWT-shaped text wherever it starts in a run", () => {
    const redact = createRedactor([]);
    expect(redact('headers {authorization: Bearer "sk_live_other_secret"}')).toBe(
      'headers {authorization: Bearer "[REDACTED]"}',
    );
    expect(redact("Authorization: Bearer 'sk_live_other_secret'")).toBe("Authorization: Bearer '[REDACTED]'");
    expect(redact("x_eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln y")).toBe("x_[REDACTED] y");
    expect(redact("eyJfooeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")).toBe("[REDACTED]");
    expect(redact("eyJa.b.c.d and eyJonly.one")).toBe("[REDACTED] and eyJonly.one");
    // Padded and standard-base64 segments are a JWT's too.
    expect(redact("m eyJhIjoxfQ==.eyJzdWIiOiJ4eSJ9.ab+SIG/x end")).toBe("m [REDACTED] end");
    // A scheme ending a line does not take the next line: a message's last word may be "Bearer".
    expect(redact("401: Invalid Bearer\nHint: The token was refused")).toBe(
      "401: Invalid Bearer\nHint: The token was refused",
    );
    expect(redact("Authorization:\nnext line")).toBe("Authorization:\nnext line");
    expect(redact("Authorization: Bearer\u00a0opaque-value-123")).toBe("Authorization: Bearer\u00a0[REDACTED]");
    // Scrubbing twice changes nothing more.
    expect(redact(redact('Bearer "sk_live_other_secret"'))).toBe('Bearer "[REDACTED]"');
  });

  it("takes time in proportion to the text, even for one long run of eyJ without the dots of a JWT", () => {
    const redact = createRedactor(["md-bearer-0123456789"]);
    const hostile = "eyJ".repeat(350_000); // about 1 MiB, the most an error body is read to
    const ordinary = "abc".repeat(350_000);
    const timed = (text: string) => {
      const started = performance.now();
      for (let i = 0; i < 3; i++) redact(text);
      return performance.now() - started;
    };
    timed(ordinary); // warm up
    const baseline = timed(ordinary);
    // A quadratic scan takes minutes here; a linear one about as long as the ordinary text.
    expect(timed(hostile) / Math.max(baseline, 1)).toBeLessThan(50);
    expect(redact(hostile)).toBe(hostile);
  });

  it("remembers minted secrets that are not JWT-shaped: the 256 most recent", () => {
    const redact = createRedactor([]);
    const secrets = Array.from({ length: 257 }, (_, i) => `mdtok_minted_${String(i).padStart(4, "0")}_secret`);
    for (const secret of secrets) redact.remember(secret);
    expect(redact(secrets[256]!)).toBe("[REDACTED]");
    expect(redact(secrets[1]!)).toBe("[REDACTED]");
    // The oldest made room for the newest.
    expect(redact(secrets[0]!)).toBe(secrets[0]);
    // Too short to scrub by value without scrubbing ordinary words.
    redact.remember("short");
    expect(redact("a short word")).toBe("a short word");
  });

  it("does not spend its memory of secrets on JWTs or the secrets it was given, which it scrubs anyway", () => {
    const redact = createRedactor(["md-bearer-0123456789"]);
    redact.remember("mdtok_minted_first_secret");
    for (let i = 0; i < 300; i++) redact.remember(`eyJhbGciOiJIUzI1NiJ9.eyJpIjoi${i}In0.c2ln`);
    redact.remember("md-bearer-0123456789");
    expect(redact("mdtok_minted_first_secret")).toBe("[REDACTED]");
  });

  it("copies JSON with keys scrubbed, to a bounded depth", () => {
    const redact = createRedactor(["md-bearer-0123456789"]);
    const copy = redactDeep({ "md-bearer-0123456789": ["md-bearer-0123456789"] }, redact);
    expect(copy).toEqual({ "[REDACTED]": ["[REDACTED]"] });
    let deep: unknown = "leaf";
    for (let i = 0; i < 10_000; i++) deep = [deep];
    let depth = 0;
    for (let node = redactDeep(deep, redact); Array.isArray(node); node = node[0]) depth++;
    expect(depth).toBe(MAX_COPY_DEPTH);
  });

  it("a cause of unknown origin becomes a scrubbed copy, even when its getters throw", () => {
    const redact = createRedactor(["md-bearer-0123456789"]);
    const hostile = new Error("with md-bearer-0123456789");
    Object.defineProperty(hostile, "code", {
      get() {
        throw new Error("boom");
      },
    });
    hostile.cause = { toString: () => "Bearer md-bearer-0123456789" };
    const copy = scrubbedCause(hostile, redact);
    expect(copy.message).toBe("with [REDACTED]");
    expect(String(copy.stack)).not.toContain("md-bearer-0123456789");
    expect((copy.cause as Error).message).toBe("Bearer [REDACTED]");
  });
});
