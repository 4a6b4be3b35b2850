// A real HTTP server on loopback in front of another: it forwards every request and rewrites the JSON of
// each answer, to play an API that answers differently from the emulator (fields it leaves out).
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RewritingProxy {
  url: string;
  /** How many requests of each method it forwarded. */
  count(method: string): number;
  close(): Promise<void>;
}

/** Drops every field named `field`, at any depth, from a JSON value. */
export function withoutField(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutField(item, field));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== field)
      .map(([key, item]) => [key, withoutField(item, field)]),
  );
}

export async function rewritingProxy(
  target: string,
  rewrite: (url: string, body: unknown) => unknown,
): Promise<RewritingProxy> {
  const counts = new Map<string, number>();
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    counts.set(request.method!, (counts.get(request.method!) ?? 0) + 1);
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method!,
      headers: {
        authorization: request.headers.authorization ?? "",
        ...(request.headers["content-type"] && { "content-type": request.headers["content-type"] }),
      },
      ...(chunks.length && { body: Buffer.concat(chunks) }),
    });
    const text = await upstream.text();
    const body = text ? JSON.stringify(rewrite(request.url!, JSON.parse(text))) : "";
    const retryAfter = upstream.headers.get("retry-after");
    response
      .writeHead(upstream.status, {
        "content-type": "application/json",
        ...(retryAfter && { "retry-after": retryAfter }),
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (method) => counts.get(method) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
