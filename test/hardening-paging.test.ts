// Hardening, round three, item 1: a server whose pages carry huge ids or page tokens cannot exhaust the
// client's memory. The walk runs in a child process with a small heap, so a walk that keeps what it was sent
// fails this test with V8's crash instead of taking the test runner down.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ResponseShapeError, createMotherDuckClient } from "../src/index.js";
import { MAX_PAGE_TOKEN_LENGTH } from "../src/resources/paging.js";
import { runTsChild } from "./helpers/child.js";
import { useRecordingServer } from "./helpers/recording-server.js";
import type { RecordedRequest, Reply } from "./helpers/recording-server.js";

const MIB = 1 << 20;
const HEAP_MIB = 64;
const PAGES = 120;
const server = useRecordingServer();

/** The page number a request asks for: 1 without a page token, else the number the token starts with. */
const pageOf = (request: RecordedRequest) => Number(/[?&]page_token=(\d+)/.exec(request.rawPath)?.[1] ?? 1);

/** Pages of one new user each, whose id is `idLength` long, linked by page tokens `tokenLength` long. */
function pages(idLength: number, tokenLength: number, last = PAGES) {
  return (request: RecordedRequest): Reply => {
    const page = pageOf(request);
    return {
      body: {
        users: [{ id: `${page}-`.padEnd(idLength, "i"), username: `user_${page}` }],
        next_page_token: page < last ? `${page + 1}-`.padEnd(tokenLength, "t") : null,
      },
    };
  };
}

async function walkInSmallHeap() {
  const child = join(import.meta.dirname, "helpers/client-child.ts");
  const result = await runTsChild(child, [server.url, "walk"], {
    nodeFlags: [`--max-old-space-size=${HEAP_MIB}`],
    timeoutMs: 60_000,
  });
  return { ...result, stderr: result.stderr.slice(-2000) };
}

describe("#1 paging memory is bounded", () => {
  it(`${PAGES} pages of one user with a 1 MiB id each walk through a ${HEAP_MIB} MiB heap`, async () => {
    server.reply(pages(MIB, 8));
    const { code, stdout, stderr } = await walkInSmallHeap();
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ users: PAGES });
    expect(server.requests).toHaveLength(PAGES);
  }, 90_000);

  it("a 1 MiB page token ends the walk with a ResponseShapeError; it is never sent", async () => {
    server.reply(pages(8, MIB));
    const { code, stdout, stderr } = await walkInSmallHeap();
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as { users: number; name: string; message: string };
    expect(result).toMatchObject({ users: 1, name: "ResponseShapeError" });
    expect(result.message).toContain(`longer than ${MAX_PAGE_TOKEN_LENGTH} characters`);
    expect(server.requests).toHaveLength(1);
  }, 90_000);

  it(`a page token of exactly ${MAX_PAGE_TOKEN_LENGTH} characters is followed; one more is refused`, async () => {
    const md = createMotherDuckClient({ token: "mdtok_paging_walk_test_token", baseUrl: server.url, logger: {} });
    server.reply(pages(8, MAX_PAGE_TOKEN_LENGTH, 3));
    expect((await md.users.list()).map((u) => u.username)).toEqual(["user_1", "user_2", "user_3"]);
    server.reply(pages(8, MAX_PAGE_TOKEN_LENGTH + 1, 3));
    const error = await md.users.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).issues[0]!.path).toBe("response.next_page_token");
  });

  it("repeats are still dropped and cycles still stopped when ids and tokens are long", async () => {
    const md = createMotherDuckClient({ token: "mdtok_paging_walk_test_token", baseUrl: server.url, logger: {} });
    const longId = "same-user-".padEnd(10_000, "x");
    const longToken = "2-".padEnd(MAX_PAGE_TOKEN_LENGTH, "t");
    // Page 1 and page 2 both hold the same long-id user; page 2 points back at itself.
    server.reply(() => ({ body: { users: [{ id: longId, username: "same" }], next_page_token: longToken } }));
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of md.users.iterate()) seen.push(user.username);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(["same"]);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as Error).message).toMatch(/repeats a page token/);
    expect(server.requests).toHaveLength(2);
  });
  it("a page token that is not well-formed UTF-16 is a ResponseShapeError, not a URIError", async () => {
    const md = createMotherDuckClient({ token: "mdtok_paging_walk_test_token", baseUrl: server.url, logger: {} });
    server.reply({ body: { users: [{ id: "u1", username: "alice" }], next_page_token: "tok-\ud800" } });
    const error = await md.users.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).issues[0]!.message).toMatch(/not well-formed/);
    expect(server.requests).toHaveLength(1);
  });

  it("page tokens with &, #, = or line breaks are sent as one page_token, the filters untouched", async () => {
    const md = createMotherDuckClient({ token: "mdtok_paging_walk_test_token", baseUrl: server.url, logger: {} });
    const token = "a&is_service_account=false#frag\nx";
    server.reply((request) => ({
      body: { users: [], next_page_token: request.rawPath.includes("page_token") ? null : token },
    }));
    await md.users.list({ is_service_account: true });
    const second = new URL(server.requests[1]!.rawPath, "http://x").searchParams;
    expect([...second.entries()]).toEqual([
      ["is_service_account", "true"],
      ["page_token", token],
    ]);
  });

  it("an abort mid-walk rejects with the signal's reason and asks for no further page", async () => {
    const md = createMotherDuckClient({ token: "mdtok_paging_walk_test_token", baseUrl: server.url, logger: {} });
    server.reply(pages(8, 8));
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of md.users.iterate({}, { signal: controller.signal })) {
        seen.push(user.username);
        if (seen.length === 3) controller.abort(reason);
      }
    })().catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(seen).toEqual(["user_1", "user_2", "user_3"]);
    expect(server.requests).toHaveLength(3);
  });
});
