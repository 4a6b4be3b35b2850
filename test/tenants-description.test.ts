// A region that does not store descriptions yet: a real HTTP server on loopback in front of the emulator
// drops `description` from every token it answers with. The tenant fails with that reason, its token still
// works and is stored, and later runs fail the same way without minting again.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMotherDuckClient } from "../src/index.js";
import { createTenants } from "../src/tenants/index.js";
import { invariantProblems, startWorld } from "./helpers/tenants-world.js";
import type { World } from "./helpers/tenants-world.js";

function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "description")
      .map(([key, item]) => [key, withoutDescriptions(item)]),
  );
}

/** Forwards every request to `target` and strips descriptions from the answers. Counts the requests by method. */
async function descriptionDroppingProxy(target: string): Promise<{ server: Server; url: string; posts: () => number }> {
  let posts = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === "POST") posts++;
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method!,
      headers: {
        authorization: request.headers.authorization ?? "",
        ...(request.headers["content-type"] && { "content-type": request.headers["content-type"] }),
      },
      ...(chunks.length && { body: Buffer.concat(chunks) }),
    });
    const text = await upstream.text();
    const body = text ? JSON.stringify(withoutDescriptions(JSON.parse(text))) : "";
    response.writeHead(upstream.status, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, posts: () => posts };
}

let world: World;
let proxy: Awaited<ReturnType<typeof descriptionDroppingProxy>>;
beforeEach(async () => {
  world = await startWorld();
  proxy = await descriptionDroppingProxy(world.emulator.url);
});
afterEach(async () => {
  await new Promise((resolve) => proxy.server.close(resolve));
  await world.close();
});

describe("a create answered without its description", () => {
  it("fails the tenant with that reason once, keeps the token it minted, and never mints again for it", async () => {
    const md = createMotherDuckClient({ baseUrl: proxy.url, token: world.emulator.adminToken, logger: {} });
    const tenants = createTenants(md, { secrets: world.store, now: world.now });
    const specs = [{ serviceAccount: "t_acme", tokens: { app: { description: "backend" } } }];
    const first = await tenants.apply(specs);
    expect(first.tenants[0]).toMatchObject({ outcome: "failed" });
    expect(first.tenants[0]!.error).toContain('the API answered the creation of token "app" without its description');
    expect(await invariantProblems(world, specs)).toEqual([]);
    const postsAfterFirst = proxy.posts();
    for (let run = 0; run < 2; run++) {
      const again = await tenants.apply(specs);
      expect(again.tenants[0]).toMatchObject({ outcome: "failed", changes: [] });
      expect(again.tenants[0]!.error).toContain("did not keep");
    }
    expect(proxy.posts()).toBe(postsAfterFirst);
    expect(await invariantProblems(world, specs)).toEqual([]);
  });
});
