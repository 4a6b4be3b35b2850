// The emulator's HTTP layer: injected faults, routing by the spec's paths, authentication, the S4 rule,
// the content type, request validation, and a check that every answer it sends matches the spec.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { enums, operations } from "../rules.js";
import { decideOperation } from "../scope.js";
import { checkRequest } from "../validation/request.js";
import { checkValue } from "../validation/schema.js";
import type { OperationId } from "../rules.js";
import { ERROR_BODY_LIMIT } from "../transport/body.js";
import type { Store, TokenRecord } from "./store.js";
import { handlers } from "./operations.js";
import { errorReply } from "./replies.js";
import type { Reply } from "./replies.js";
import { faultReply } from "./faults.js";
import { parseQuery } from "./query.js";
import type { Fault } from "./faults.js";
import { contentTypeProblem } from "./content-type.js";
import { guardHook } from "./hook.js";
import { CONTROL_PREFIX, controlReply } from "./control.js";
import type { ControlTarget } from "./control.js";

interface Route {
  operationId: OperationId;
  method: string;
  segments: string[];
}

const routes: Route[] = Object.entries(operations).map(([operationId, rule]) => ({
  operationId: operationId as OperationId,
  method: rule.method.toUpperCase(),
  segments: rule.path.split("/").slice(1),
}));

class BadRequest extends Error {}

function isReadScaling(token: TokenRecord): boolean {
  return token.tokenType === enums.token_type.read_scaling;
}

/** Where a request routes: the route, its decoded path parameters, and those that could not be decoded. */
interface Routed {
  route: Route;
  path: Record<string, string>;
  /** Path parameters whose segment is not valid percent-encoded UTF-8: refused only after authentication. */
  undecodable: string[];
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

// A segment that cannot be decoded still fills its template position: the route, and so the
// authentication and S4 answers, do not depend on whether a parameter's text is well formed.
function match(method: string, segments: string[]): Routed | undefined {
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const path: Record<string, string> = {};
    const undecodable: string[] = [];
    const matched = route.segments.every((template, i) => {
      const segment = segments[i]!;
      if (!(template.startsWith("{") && template.endsWith("}"))) return template === segment;
      const name = template.slice(1, -1);
      const decoded = decodeSegment(segment);
      if (decoded === undefined) undecodable.push(name);
      else path[name] = decoded;
      return true;
    });
    if (matched) return { route, path, undecodable };
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ERROR_BODY_LIMIT) throw new BadRequest("request body is too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new BadRequest("request body is not valid JSON");
  }
}

/** The body as JSON if it can be read as such, else undefined: for observers, never for a decision. */
function jsonForTheRecord(bytes: Buffer): unknown {
  try {
    return parseJson(bytes);
  } catch {
    return undefined;
  }
}

function bodyForTheRecord(request: IncomingMessage): Promise<unknown> {
  return readBody(request).then(jsonForTheRecord, () => undefined);
}

function bearer(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const found = header && /^Bearer (\S+)$/i.exec(header);
  return found ? found[1] : undefined;
}

/** One request and the answer the emulator gave it, for observers such as contract tests. */
export interface Exchange {
  method: string;
  /** The request target as it arrived. */
  url: string;
  /** The operation it was routed to; undefined for an unknown route. */
  operationId: OperationId | undefined;
  /** The path parameters, decoded. */
  pathParams: Record<string, string>;
  /** The parsed JSON body, if any. */
  requestBody: unknown;
  status: number;
  /** The JSON answer; undefined for an unknown route's plain-text answer. */
  responseBody: unknown;
  /** The `x-request-id` header of the answer: fresh for each request. */
  requestId: string;
}

/** What the server needs besides the state. */
export interface ServerOptions {
  /** Called after each answer; a hook that throws is reported once on stderr and the server keeps serving. */
  onExchange?: (exchange: Exchange) => void;
  /** The fault of each request in turn; none when absent. */
  nextFault?: () => Fault;
  /** Aborted when the emulator closes, so that delayed requests stop waiting. */
  closed: AbortSignal;
  /** The control API under /_emulator/ (control.ts); absent, those paths are unknown routes. */
  control?: ControlTarget;
  /** The rate limit: undefined when a request with this bucket key passes, else its Retry-After in seconds. */
  rateLimit?: (key: string) => number | undefined;
}

/** Whose bucket a request draws from: its bearer's organization; an unknown bearer has a bucket of its own. */
function bucketKey(store: Store, request: IncomingMessage): string {
  const secret = bearer(request);
  if (!secret) return "no bearer";
  const auth = store.authenticate(secret);
  return "reason" in auth ? `bearer ${secret}` : `organization ${auth.user.organization}`;
}

/** A refused request's answer, in the shape of the spec's error bodies. */
function rateLimitReply(retryAfterSeconds: number): Reply & { headers: Record<string, string> } {
  return {
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: { code: "TOO_MANY_REQUESTS", message: "Too Many Requests: over the organization's rate limit", issues: [] },
  };
}

type Answer = (Reply & { headers?: Record<string, string> }) | "unrouted";

interface Handled {
  reply: Answer;
  operationId?: OperationId;
  path?: Record<string, string>;
  body?: unknown;
}

function wait(ms: number, closed: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (closed.aborted) return reject(closed.reason);
    const stop = () => {
      clearTimeout(timer);
      reject(closed.reason);
    };
    const timer = setTimeout(() => {
      closed.removeEventListener("abort", stop);
      resolve();
    }, ms);
    closed.addEventListener("abort", stop, { once: true });
  });
}

async function handle(store: Store, request: IncomingMessage, options: ServerOptions): Promise<Handled> {
  const target = (request.url ?? "/").split("?")[0]!;
  // The control API is the emulator's own, not the API's: no fault is injected into it.
  if (options.control && target.startsWith(CONTROL_PREFIX)) {
    const read = { action: target.slice(CONTROL_PREFIX.length), method: request.method ?? "", bearer: bearer(request) };
    const bytes = await readBody(request);
    const sent = { contentType: request.headers["content-type"], hasBody: bytes.length > 0, body: parseJson(bytes) };
    return { reply: controlReply(options.control, { ...read, ...sent }) };
  }
  // Faults come first, before routing and authentication: a rate limiter or a gateway in front of the API
  // answers without reading the request, so a faulted request can never change state.
  const fault = options.nextFault?.();
  if (fault && fault.delayMs > 0) await wait(fault.delayMs, options.closed);
  const found = match(request.method ?? "GET", target.split("/").slice(1));
  if (fault?.status) {
    return {
      reply: faultReply({ ...fault, status: fault.status }),
      operationId: found?.route.operationId,
      path: found?.path,
    };
  }
  // The limit sits in front of the API too: a refused request is answered before it is looked at.
  const retryAfterSeconds = options.rateLimit?.(bucketKey(store, request));
  if (retryAfterSeconds !== undefined) {
    return { reply: rateLimitReply(retryAfterSeconds), operationId: found?.route.operationId, path: found?.path };
  }
  if (!found) return { reply: "unrouted" };
  const reply = await answer(store, request, found);
  return { ...reply, operationId: found.route.operationId, path: found.path };
}

async function answer(
  store: Store,
  request: IncomingMessage,
  { route, path, undecodable }: Routed,
): Promise<{ reply: Reply; body?: unknown }> {
  const reply = (r: Reply, body?: unknown) => ({ reply: r, body });
  // Decided without the body; it is read afterwards only so that observers see what was sent.
  const refuse = async (r: Reply) => reply(r, await bodyForTheRecord(request));
  const secret = bearer(request);
  if (!secret) return refuse(errorReply(401, "Invalid Credentials: no bearer token"));
  const auth = store.authenticate(secret);
  if ("reason" in auth) return refuse(errorReply(401, `Invalid Credentials: ${auth.reason}`));
  if (isReadScaling(auth.token)) {
    // S4 comes before the request is looked at: a read-scaling token learns nothing, not even whether its
    // body or its target is valid.
    const decision = decideOperation(route.operationId, {
      caller: auth.user.username,
      callerIsReadScaling: true,
      target: "",
    });
    if (decision.outcome === "deny") {
      return refuse(errorReply(403, `Unauthorized: ${decision.reason} (rule ${decision.rule})`));
    }
  }
  if (undecodable.length) {
    const issues = undecodable.map((name) => ({ path: name, message: "is not valid percent-encoded UTF-8" }));
    return refuse(errorReply(400, "Bad Request", issues));
  }
  const bytes = await readBody(request);
  const refusedType = bytes.length > 0 ? contentTypeProblem(request.headers["content-type"]) : undefined;
  if (refusedType) {
    const issues = [{ path: "headers.content-type", message: refusedType }];
    return reply(errorReply(400, "Bad Request", issues), jsonForTheRecord(bytes));
  }
  const body = parseJson(bytes);
  const rules = operations[route.operationId];
  const search = (request.url ?? "").split("?").slice(1).join("?");
  const { query, issues: queryIssues } = parseQuery(search, "queryParams" in rules ? rules.queryParams : {});
  const issues = [...queryIssues, ...checkRequest(rules, { path, query, body }, "allow")];
  if (issues.length) return reply(errorReply(400, "Bad Request", issues), body);
  const handled = handlers[route.operationId]({ store, caller: auth.user, path, query, body });
  // A success answer, and only one, is held to the spec's success schema.
  if (handled.status >= 200 && handled.status <= 299 && "response" in rules) {
    const problems = checkValue(rules.response, handled.body, "response");
    if (problems.length) {
      return reply(
        errorReply(500, "Internal Error: the emulator built an answer that breaks the spec", problems),
        body,
      );
    }
  }
  return reply(handled, body);
}

function send(response: ServerResponse, reply: Answer, requestId: string): void {
  if (reply === "unrouted") {
    // As the real API does: an unknown route answers plain text, with no JSON error code.
    response
      .writeHead(404, { "content-type": "text/plain; charset=utf-8", "x-request-id": requestId })
      .end("Not Found");
    return;
  }
  const text = JSON.stringify(reply.body);
  response
    .writeHead(reply.status, {
      ...reply.headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "x-request-id": requestId,
    })
    .end(text);
}

export function createEmulatorServer(store: Store, options: ServerOptions): Server {
  const onExchange = guardHook(options.onExchange);
  return createServer((request, response) => {
    const requestId = randomUUID();
    handle(store, request, options)
      .catch((error: unknown): Handled | undefined => {
        if (options.closed.aborted) return undefined;
        return {
          reply:
            error instanceof BadRequest
              ? errorReply(400, `Bad Request: ${error.message}`)
              : errorReply(500, "Internal Error"),
        };
      })
      .then((handled) => {
        if (!handled) return void response.destroy();
        const { reply, operationId, path, body } = handled;
        // A body refused before its end (too large) leaves its rest on the connection, where the next request
        // would be read from: that connection must end with this answer.
        if (!request.complete) response.setHeader("connection", "close");
        send(response, reply, requestId);
        onExchange({
          method: request.method ?? "",
          url: request.url ?? "",
          operationId,
          pathParams: path ?? {},
          requestBody: body,
          status: reply === "unrouted" ? 404 : reply.status,
          responseBody: reply === "unrouted" ? undefined : reply.body,
          requestId,
        });
      })
      // Nothing a request does may take the process down: a socket gone mid-answer just ends it.
      .catch(() => response.destroy());
  });
}
