// The runtime validator enforces every keyword the generator passes into the rules, against the real rules.
import { describe, expect, it } from "vitest";
import { operations } from "../src/rules.js";
import { checkRequest } from "../src/validation/request.js";
import { checkValue } from "../src/validation/schema.js";

const createToken = operations["users-createToken"];
const embed = operations["dashboards-createEmbedSession"];
const usersList = operations["users-list"];
const setDucklings = operations["ducklings-setDucklingConfigForUser"];
const DIVE = "3fa85f64-5717-4562-b3fc-2c963f66afa6";
const reserved = createToken.body.properties.name.not.enum;
const requiredResourcesCap = embed.body.properties.required_resources.maxJsonBytes;
const initialStateCap = embed.body.properties.initial_state.maxJsonBytes;

const embedIssues = (body: unknown, diveId = DIVE) =>
  checkRequest(embed, { path: { dive_id: diveId }, body }, "reject");

describe("not", () => {
  it("refuses each reserved token name, exactly as MotherDuck matches it", () => {
    for (const name of reserved) {
      expect(checkRequest(createToken, { path: { username: "svc" }, body: { name } }, "reject")).toEqual([
        { path: "body.name", message: `must not be ${JSON.stringify(name)} (a reserved name)` },
      ]);
      // no trimming and no case folding
      for (const near of [name.toLowerCase(), `${name} `]) {
        expect(checkRequest(createToken, { path: { username: "svc" }, body: { name: near } }, "reject")).toEqual([]);
      }
    }
  });

  it("refuses session_name together with session_hint, and accepts either alone", () => {
    expect(embedIssues({ username: "svc", session_name: "a", session_hint: "b" })).toEqual([
      { path: "body", message: "must not set session_name and session_hint together" },
    ]);
    expect(embedIssues({ username: "svc", session_name: "a" })).toEqual([]);
    expect(embedIssues({ username: "svc", session_hint: "b" })).toEqual([]);
  });
});

describe("maxLength: code points, not UTF-16 units", () => {
  const nameIssues = (name: string) =>
    checkRequest(createToken, { path: { username: "svc" }, body: { name } }, "reject");
  const max = createToken.body.properties.name.maxLength;

  it("counts a surrogate pair as one character and a lone surrogate as one", () => {
    for (const last of ["🦆", "\ud800", "\udfff", "a"]) {
      expect(nameIssues("a".repeat(max - 1) + last), JSON.stringify(last)).toEqual([]);
      expect(nameIssues("a".repeat(max) + last), JSON.stringify(last)).toEqual([
        { path: "body.name", message: `must be at most ${max} characters long` },
      ]);
    }
    expect(nameIssues("🦆".repeat(max))).toEqual([]);
    expect(nameIssues("\ud800".repeat(max))).toEqual([]);
    expect(nameIssues("\ud800".repeat(max + 1))).toHaveLength(1);
    // a low surrogate then a high one are two lone surrogates; the high one pairs with the low one after it
    expect(nameIssues("\udc00\ud800\udc00".padStart(max + 1, "a"))).toEqual([]);
  });
});

describe("x-max-json-bytes: UTF-8 bytes of compact JSON", () => {
  /** An array of resources whose compact JSON is exactly `bytes` long, padded with a character of `width` bytes. */
  function resourcesOf(bytes: number, char: string) {
    const width = new TextEncoder().encode(char).length;
    const frame = JSON.stringify([{ url: "" }]).length;
    const room = bytes - frame;
    expect(room % width).toBe(0);
    return [{ url: char.repeat(room / width) }];
  }

  it("accepts required_resources at the cap and refuses one byte more, counting multi-byte characters as bytes", () => {
    for (const char of ["a", "é", "€"]) {
      const width = new TextEncoder().encode(char).length;
      const cap = requiredResourcesCap - ((requiredResourcesCap - JSON.stringify([{ url: "" }]).length) % width);
      expect(embedIssues({ username: "svc", required_resources: resourcesOf(cap, char) })).toEqual([]);
    }
    const over = resourcesOf(requiredResourcesCap + 1, "a");
    expect(embedIssues({ username: "svc", required_resources: over })).toEqual([
      {
        path: "body.required_resources",
        message: `must be at most ${requiredResourcesCap} bytes as compact JSON (UTF-8)`,
      },
    ]);
    // 😀 is 2 UTF-16 units but 4 UTF-8 bytes: a length in units would let this through
    const emoji = [{ url: "😀".repeat(Math.ceil(requiredResourcesCap / 4)) }];
    expect(JSON.stringify(emoji).length).toBeLessThan(requiredResourcesCap);
    expect(embedIssues({ username: "svc", required_resources: emoji })).toHaveLength(1);
  });

  it("caps initial_state, which must be a plain JSON object", () => {
    const padding = "x".repeat(initialStateCap - JSON.stringify({ k: "" }).length);
    expect(embedIssues({ username: "svc", initial_state: { k: padding } })).toEqual([]);
    expect(embedIssues({ username: "svc", initial_state: { k: `${padding}x` } })).toEqual([
      { path: "body.initial_state", message: `must be at most ${initialStateCap} bytes as compact JSON (UTF-8)` },
    ]);
    for (const notAnObject of [[], null, "{}", new Date(0), new Map()]) {
      expect(embedIssues({ username: "svc", initial_state: notAnObject })).toEqual([
        { path: "body.initial_state", message: "must be a plain JSON object" },
      ]);
    }
    // any keys: the Dive reads them
    expect(embedIssues({ username: "svc", initial_state: { region: "emea", limit: 10 } })).toEqual([]);
    expect(embedIssues({ username: "svc", initial_state: { big: 10n } })[0]?.message).toMatch(/must be JSON/);
    expect(embedIssues({ username: "svc", initial_state: { n: Number.NaN } })[0]?.message).toMatch(/must be JSON/);
  });
});

describe("the other keywords of the new operations", () => {
  it("version is a whole number of at least 1; required_resources items need a url", () => {
    expect(embedIssues({ username: "svc", version: 1.5 })).toEqual([
      { path: "body.version", message: "must be an integer" },
    ]);
    expect(embedIssues({ username: "svc", version: 0 })).toEqual([
      { path: "body.version", message: "must be at least 1" },
    ]);
    expect(embedIssues({ username: "svc", required_resources: [{ alias: "a" }] })).toEqual([
      { path: "body.required_resources[0].url", message: "is required" },
    ]);
    expect(embedIssues({ username: "svc", required_resources: [] })).toEqual([]);
  });

  it("a dive id must be a UUID (in requests; responses are read tolerantly)", () => {
    expect(embedIssues({ username: "svc" }, "not-a-uuid")).toEqual([{ path: "dive_id", message: "must be a UUID" }]);
    expect(embedIssues({ username: "svc" }, DIVE.toUpperCase())).toEqual([]);
    expect("format" in createToken.response.properties.id).toBe(false);
  });

  it("nullable fields accept null, and only where the spec says so", () => {
    const page = { users: [{ id: "u1", username: "svc", first_name: null }], next_page_token: null };
    expect(checkValue(usersList.response, page, "response")).toEqual([]);
    expect(checkValue(usersList.response, { users: [{ id: "u1", username: null }] }, "response")).toEqual([
      { path: "response.users[0].username", message: "must be a string" },
    ]);
  });

  it("Duckling config: integers, number bounds and the size enum", () => {
    const half = setDucklings.body.properties.config.properties.read_write.properties;
    const body = (readWrite: object) => ({
      config: { read_write: readWrite, read_scaling: { instance_size: half.instance_size.enum[0], flock_size: 0 } },
    });
    const check = (readWrite: object) =>
      checkRequest(setDucklings, { path: { username: "svc" }, body: body(readWrite) }, "reject");
    expect(check({ instance_size: half.instance_size.enum[1] })).toEqual([]);
    expect(
      check({ instance_size: half.instance_size.enum[1], cooldown_seconds: half.cooldown_seconds.minimum + 0.5 }),
    ).toEqual([{ path: "body.config.read_write.cooldown_seconds", message: "must be an integer" }]);
    expect(check({ instance_size: "tiny" })[0]?.message).toMatch(/^must be one of/);
  });
});

describe("query parameters", () => {
  const check = (query: Record<string, unknown>, mode: "reject" | "allow" = "reject") =>
    checkRequest(usersList, { path: {}, query }, mode);

  it("checks each against its schema", () => {
    expect(check({ is_service_account: true, is_deprovisioned: false, limit: 1000, page_token: "tok-2" })).toEqual([]);
    expect(check({ limit: 10.5 })).toEqual([{ path: "limit", message: "must be an integer" }]);
    expect(check({ is_service_account: "true" })).toEqual([
      { path: "is_service_account", message: "must be a boolean" },
    ]);
    expect(check({ limit: undefined })).toEqual([]);
  });

  it("refuses an unknown one in reject mode, naming the known ones, and lets it pass in allow mode", () => {
    expect(check({ limt: 10 })).toEqual([
      {
        path: "limt",
        message:
          "is not a field of this request (known fields: is_service_account, is_deprovisioned, limit, page_token)",
      },
    ]);
    expect(check({ limt: 10 }, "allow")).toEqual([]);
    expect(
      checkRequest(createToken, { path: { username: "svc" }, body: { name: "n" }, query: { x: 1 } }, "reject"),
    ).toEqual([{ path: "x", message: "is not a field of this request (known fields: none)" }]);
  });
});

describe("allOf", () => {
  it("reports a value of the wrong type once, not once per part", () => {
    const body = operations["users-createServiceAccount"].body;
    expect(checkValue(body, { username: 5 }, "body", "reject")).toEqual([
      { path: "body.username", message: "must be a string" },
    ]);
    expect(checkValue(body, { username: "1a-" }, "body", "reject")).toEqual([
      { path: "body.username", message: "must start with a letter" },
      { path: "body.username", message: "may contain only letters, digits and underscores" },
    ]);
  });
});
