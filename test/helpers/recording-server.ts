// A real HTTP server on 127.0.0.1 that records every request it receives and answers as told.
import { afterEach, beforeEach, expect } from "vitest";
import { useStarted } from "./lifecycle.js";
import { requestViolations } from "./contract.js";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** The request target exactly as it arrived on the wire. */
  rawPath: string;
  /** The path's segments, each percent-decoded on its own. */
  segments: string[];
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** The body parsed as JSON, or undefined. */
  json: unknown;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Sends headers and then never finishes the body. */
  stallBody?: boolean;
  /** Never answers at all. */
  hang?: boolean;
  /** Sends headers and half the body, then resets the connection. */
  resetMidBody?: boolean;
  /** Resets the connection before answering anything. */
  resetAtOnce?: boolean;
  /** Streams this many bytes of body (chunked, no Content-Length), stopping early when the client goes away. */
  streamBytes?: number;
}

export type Responder = (request: RecordedRequest) => Reply | Promise<Reply>;

/** Answers the n-th request with the n-th reply, and every later one with the last. */
export function inTurn(...replies: Reply[]): Responder {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)]!;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests received that break the spec (checked by ajv). */
  contractViolations: string[];
  /** Sets how the following requests are answered. */
  reply(responder: Responder | Reply): void;
  close(): Promise<void>;
}

export function tokenReply(request: RecordedRequest): Reply {
  const body = (request.json ?? {}) as { name?: string; token_type?: string; ttl?: number };
  return {
    body: {
      token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl",
      id: "3fa85f64-5717-4562-b3fc-2c963f66afa6",
      name: body.name,
      created_ts: "2026-11-27T00:00:00.000Z",
      ...(body.ttl !== undefined && { expire_at: "2026-11-28T00:00:00.000Z" }),
      read_only: body.token_type === "read_scaling",
      token_type: body.token_type ?? "read_write",
    },
  };
}

const STREAM_CHUNK = Buffer.alloc(64 * 1024, "x");

function stream(res: ServerResponse, reply: Reply, total: number): void {
  res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
  let sent = 0;
  let open = true;
  res.on("close", () => (open = false));
  const pump = () => {
    while (open && sent < total) {
      const chunk = STREAM_CHUNK.subarray(0, Math.min(STREAM_CHUNK.length, total - sent));
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (open) res.end();
  };
  pump();
}

function send(res: ServerResponse, reply: Reply): void {
  if (reply.hang) return;
  if (reply.resetAtOnce) return void res.socket?.destroy();
  if (reply.streamBytes !== undefined) return stream(res, reply, reply.streamBytes);
  const text = typeof reply.body === "string" ? reply.body : reply.body === undefined ? "" : JSON.stringify(reply.body);
  const headers = {
    ...(typeof reply.body === "string" ? {} : { "content-type": "application/json" }),
    ...reply.headers,
  };
  if (reply.resetMidBody) {
    res.writeHead(reply.status ?? 200, { ...headers, "content-length": String(Buffer.byteLength(text) + 100) });
    res.write(text.slice(0, text.length >> 1));
    setImmediate(() => res.socket?.destroy());
    return;
  }
  if (reply.stallBody) {
    res.writeHead(reply.status ?? 200, { ...headers, "content-type": "application/json" });
    res.write(text.slice(0, Math.max(1, text.length >> 1)) || "{");
    return;
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(text);
}

export async function startRecordingServer(initial: Responder | Reply = tokenReply): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const contractViolations: string[] = [];
  let responder: Responder = typeof initial === "function" ? initial : () => initial;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const bodyText = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = bodyText ? JSON.parse(bodyText) : undefined;
      } catch {
        json = undefined;
      }
      const rawPath = req.url ?? "";
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        rawPath,
        segments: rawPath.split("?")[0]!.split("/").slice(1).map(decodeURIComponent),
        headers: req.headers,
        bodyText,
        json,
      };
      requests.push(recorded);
      contractViolations.push(...requestViolations(recorded.method, rawPath, json, bodyText));
      send(res, await responder(recorded));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    contractViolations,
    reply(next) {
      responder = typeof next === "function" ? next : () => next;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One recording server for the enclosing test file or describe block, started before its tests and closed
 * after them. Before each test its record is cleared and it answers with `initial` again.
 */
export function useRecordingServer(initial: Responder | Reply = tokenReply): RecordingServer {
  const started = useStarted(
    () => startRecordingServer(initial),
    (server) => server.close(),
  );
  beforeEach(() => {
    started().requests.length = 0;
    started().reply(initial);
  });
  afterEach(() => {
    // Every request the client sent in the test must conform to the spec.
    expect(started().contractViolations.splice(0)).toEqual([]);
  });
  return {
    get url() {
      return started().url;
    },
    get requests() {
      return started().requests;
    },
    get contractViolations() {
      return started().contractViolations;
    },
    reply: (next) => started().reply(next),
    close: () => started().close(),
  };
}
