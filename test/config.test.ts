import { afterEach, describe, expect, it, vi } from "vitest";
import { ValidationError, createMotherDuckClient } from "../src/index.js";
import { DEFAULT_BASE_URL, checkBaseUrl, resolveConfig } from "../src/config.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import { thrown } from "./helpers/thrown.js";

describe("the token comes from the option, else MOTHERDUCK_TOKEN, else motherduck_token", () => {
  it("follows that order, skipping empty variables", () => {
    const env = { MOTHERDUCK_TOKEN: "from-upper-env", motherduck_token: "from-lower-env" };
    expect(resolveConfig({ token: "from-option" }, env).token).toBe("from-option");
    expect(resolveConfig({}, env).token).toBe("from-upper-env");
    expect(resolveConfig({}, { MOTHERDUCK_TOKEN: "", motherduck_token: "from-lower-env" }).token).toBe(
      "from-lower-env",
    );
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
    const token = "t0123456789";
    expect(
      resolveConfig({ token, baseUrl: "https://a.example" }, { MOTHERDUCK_API_BASE_URL: "https://b.example" }).baseUrl,
    ).toBe("https://a.example");
    expect(resolveConfig({ token }, { MOTHERDUCK_API_BASE_URL: "https://b.example/" }).baseUrl).toBe(
      "https://b.example",
    );
    expect(resolveConfig({ token }, {}).baseUrl).toBe(DEFAULT_BASE_URL);
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

/**
 * An environment as Deno offers it without --allow-env: every read throws (Deno's NotCapable). It records the
 * names asked for, so a test can see which variables were read at all.
 */
function refusingEnvironment(): { env: Record<string, string | undefined>; asked: string[] } {
  const asked: string[] = [];
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      asked.push(String(name));
      throw Object.assign(new Error(`Requires env access to "${String(name)}", run again with the --allow-env flag`), {
        name: "NotCapable",
      });
    },
  });
  return { env, asked };
}

describe("with no token anywhere", () => {
  const server = useRecordingServer();
  afterEach(() => vi.unstubAllEnvs());

  it("creating the client throws a ValidationError, one sentence naming the option and both variables", () => {
    vi.stubEnv("MOTHERDUCK_TOKEN", "");
    vi.stubEnv("motherduck_token", "");
    const error = thrown(() => createMotherDuckClient({ baseUrl: server.url }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      "No MotherDuck token: pass the token option, or set MOTHERDUCK_TOKEN (or motherduck_token).",
    );
    expect((error as ValidationError).issues).toEqual([
      { path: "token", message: "is missing: pass the token option, or set MOTHERDUCK_TOKEN (or motherduck_token)" },
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it("lists the missing token beside the other problems", () => {
    const error = thrown(() => resolveConfig({ baseUrl: "ftp://x" }, {})) as ValidationError;
    expect(error.issues.map((i) => i.path)).toEqual(["token", "baseUrl"]);
    expect(error.message).toMatch(/^Invalid client options: token is missing: .*; baseUrl must be/);
  });

  it("reads the environment when no option is given", async () => {
    vi.stubEnv("MOTHERDUCK_TOKEN", "env-token-0123456789");
    vi.stubEnv("MOTHERDUCK_API_BASE_URL", server.url);
    await createMotherDuckClient().tokens.create("alice", { name: "n" });
    expect(server.requests.at(-1)!.headers.authorization).toBe("Bearer env-token-0123456789");
  });
});

describe("an environment the runtime will not let the client read (Deno without --allow-env)", () => {
  it("is not read at all for the options given", () => {
    const { env, asked } = refusingEnvironment();
    const config = resolveConfig({ token: "t0123456789", baseUrl: "https://a.example", logger: {} }, env);
    expect(config.token).toBe("t0123456789");
    expect(asked).toEqual([]);
  });

  it("counts as empty for the options left out", () => {
    const { env, asked } = refusingEnvironment();
    const config = resolveConfig({ token: "t0123456789" }, env);
    expect(config.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(asked).toEqual(["MOTHERDUCK_API_BASE_URL", "MOTHERDUCK_REST_LOG"]);
  });

  it("with no token option, says the variables could not be read and how Deno grants them", () => {
    const { env } = refusingEnvironment();
    const error = thrown(() => resolveConfig({ baseUrl: "https://a.example", logger: {} }, env));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      "No MotherDuck token: pass the token option, or set MOTHERDUCK_TOKEN (or motherduck_token), which could " +
        "not be read here (Deno grants access with --allow-env=MOTHERDUCK_TOKEN,motherduck_token).",
    );
  });

  it("an unreadable MOTHERDUCK_TOKEN falls back to a readable motherduck_token", () => {
    const env = new Proxy({} as Record<string, string | undefined>, {
      get(_target, name) {
        if (name === "motherduck_token") return "lower-0123456789";
        throw new Error("NotCapable");
      },
    });
    expect(resolveConfig({ baseUrl: "https://a.example" }, env).token).toBe("lower-0123456789");
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
