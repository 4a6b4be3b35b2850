import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError, createMotherDuckClient } from "../src/index.js";
import { DEFAULT_BASE_URL, checkBaseUrl, resolveConfig } from "../src/config.js";
import { useRecordingServer } from "./helpers/recording-server.js";

describe("the token comes from the option, else MOTHERDUCK_TOKEN, else motherduck_token", () => {
  it("follows that order, skipping empty variables", () => {
    const env = { MOTHERDUCK_TOKEN: "from-upper-env", motherduck_token: "from-lower-env" };
    expect(resolveConfig({ token: "from-option" }, env).token).toBe("from-option");
    expect(resolveConfig({}, env).token).toBe("from-upper-env");
    expect(resolveConfig({}, { MOTHERDUCK_TOKEN: "", motherduck_token: "from-lower-env" }).token).toBe(
      "from-lower-env",
    );
    expect(resolveConfig({}, {}).token).toBeUndefined();
  });

  it("refuses a token that would corrupt the Authorization header, without echoing it", () => {
    const secret = "secret-with-newline-0123\n";
    const error = (() => {
      try {
        resolveConfig({ token: secret }, {});
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.issues[0]!.path).toBe("token");
    expect(error!.message).not.toContain("secret-with-newline");
  });
});

describe("the base URL comes from the option, else MOTHERDUCK_API_BASE_URL, else the public API", () => {
  it("follows that order", () => {
    expect(
      resolveConfig({ baseUrl: "https://a.example" }, { MOTHERDUCK_API_BASE_URL: "https://b.example" }).baseUrl,
    ).toBe("https://a.example");
    expect(resolveConfig({}, { MOTHERDUCK_API_BASE_URL: "https://b.example/" }).baseUrl).toBe("https://b.example");
    expect(resolveConfig({}, {}).baseUrl).toBe(DEFAULT_BASE_URL);
    expect(DEFAULT_BASE_URL).toBe("https://api.motherduck.com");
  });

  const accepted = [
    "https://api.motherduck.com",
    "https://proxy.example/motherduck/",
    "http://localhost:4010",
    "http://127.0.0.1:4010",
    "http://127.1.2.3",
    "http://[::1]:8080",
  ];
  for (const url of accepted) {
    it(`accepts ${url}`, () => expect(checkBaseUrl(url)).toEqual([]));
  }

  const refused: Array<[string, RegExp]> = [
    ["api.motherduck.com", /absolute/],
    ["/v1", /absolute/],
    ["ftp://api.motherduck.com", /http or https/],
    ["http://api.motherduck.com", /must use https/],
    ["http://127.0.0.1.evil.example", /must use https/],
    ["https://user:pass@api.motherduck.com", /credentials/],
    ["https://api.motherduck.com?x=1", /query/],
    ["https://api.motherduck.com/?", /query/],
    ["https://api.motherduck.com#top", /fragment/],
    [" https://api.motherduck.com", /white space/],
    ["https://api.motherduck.com\n", /white space/],
  ];
  for (const [url, reason] of refused) {
    it(`refuses ${JSON.stringify(url)} at creation`, () => {
      expect(() => createMotherDuckClient({ token: "t0123456789", baseUrl: url })).toThrow(ValidationError);
      expect(checkBaseUrl(url)[0]!.message).toMatch(reason);
    });
  }
});

describe("other options are checked at creation", () => {
  it("refuses bad timeoutMs and maxRetries, listing both", () => {
    let error: unknown;
    try {
      createMotherDuckClient({ token: "t0123456789", timeoutMs: 0, maxRetries: -1 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(["timeoutMs", "maxRetries"]);
  });
});

describe("with no token anywhere", () => {
  const server = useRecordingServer();
  afterEach(() => vi.unstubAllEnvs());

  it("the client starts, and the first call fails clearly with nothing sent", async () => {
    vi.stubEnv("MOTHERDUCK_TOKEN", "");
    vi.stubEnv("motherduck_token", "");
    const md = createMotherDuckClient({ baseUrl: server.url });
    const error = await md.tokens.create("alice", { name: "n" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/MOTHERDUCK_TOKEN/);
    const rawError = await md.raw
      .POST("/v1/users/{username}/tokens", { params: { path: { username: "alice" } }, body: { name: "n" } })
      .catch((e: unknown) => e);
    expect(rawError).toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it("reads the environment when no option is given", async () => {
    vi.stubEnv("MOTHERDUCK_TOKEN", "env-token-0123456789");
    vi.stubEnv("MOTHERDUCK_API_BASE_URL", server.url);
    await createMotherDuckClient().tokens.create("alice", { name: "n" });
    expect(server.requests.at(-1)!.headers.authorization).toBe("Bearer env-token-0123456789");
  });
});

describe("in a browser", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  it("refuses to start without dangerouslyAllowBrowser, and starts with it", () => {
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    expect(() => createMotherDuckClient({ token: "t0123456789" })).toThrow(/refuses to run in a browser/);
    expect(() => createMotherDuckClient({ token: "t0123456789", dangerouslyAllowBrowser: true })).not.toThrow();
  });
});
