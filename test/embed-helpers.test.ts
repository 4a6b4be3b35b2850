// The page-side helpers for an embedded Dive: pure values, checked here against what MotherDuck documents.
import { describe, expect, it } from "vitest";
import { EMBED_IFRAME_SANDBOX, EMBED_ORIGIN, ValidationError, embedUrl } from "../src/index.js";

describe("embedUrl", () => {
  it("puts the session in the fragment of the sandbox page, encoded", () => {
    expect(embedUrl("abc.DEF-123_x")).toBe("https://embed-motherduck.com/sandbox/#session=abc.DEF-123_x");
    expect(embedUrl({ session: "a b/c?d#e" })).toBe("https://embed-motherduck.com/sandbox/#session=a%20b%2Fc%3Fd%23e");
    const url = new URL(embedUrl("s3cr3t-session"));
    expect(url.origin).toBe(EMBED_ORIGIN);
    expect(url.search).toBe("");
    expect(url.pathname).toBe("/sandbox/");
  });

  it("refuses what is not a session", () => {
    for (const bad of ["", undefined, null, 42, { session: "" }, "\ud800"]) {
      expect(() => embedUrl(bad as never)).toThrow(ValidationError);
    }
  });

  it("the sandbox pair and the CSP origin are MotherDuck's", () => {
    expect(EMBED_IFRAME_SANDBOX.split(" ").sort()).toEqual(["allow-same-origin", "allow-scripts"]);
    expect(EMBED_ORIGIN).toBe("https://embed-motherduck.com");
  });
});
