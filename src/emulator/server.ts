// The emulator's HTTP layer: routing by the spec's paths, authentication, request validation, the S4
// rule, and a check that every answer it sends matches the spec.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { enums, operations } from "../rules.js";
import { actionOf, decideScope } from "../scope.js";
import { checkRequest } from "../validation/request.js";
import { checkValue } from "../validation/schema.js";
import type { OperationId } from "../rules.js";
import { ERROR_BODY_LIMIT } from "../transport/body.js";
import type { Store, TokenRecord } from "./store.js";
import { handlers } from "./operations.js";
import { errorReply } from "./replies.js";
import type { Reply } from "./replies.js";

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

function match(method: string, segments: string[]): { route: Route; path: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const path: Record<string, string> = {};
    const matched = route.segments.every((template, i) => {
      const segment = segments[i]!;
      if (template.startsWith("{") && template.endsWith("}")) {
        try {
          path[template.slice(1, -1)] = decodeURIComponent(segment);
        } catch {
          throw new BadRequest("path segment is not valid percent-encoded UTF-8");
        }
        return true;
      }
      return template === segment;
    });
    if (matched) return { route, path };
  }
  return undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > ERROR_BODY_LIMIT) throw new BadRequest("request body is too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("request body is not valid JSON");
  }
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
}

interface Handled {
  reply: Reply | "unrouted";
  operationId?: OperationId;
  path?: Record<string, string>;
  body?: unknown;
}

async function handle(store: Store, request: IncomingMessage): Promise<Handled> {
  const target = (request.url ?? "/").split("?")[0]!;
  const found = match(request.method ?? "GET", target.split("/").slice(1));
  if (!found) return { reply: "unrouted" };
  const { route, path } = found;
  const reply = await answer(store, request, route, path);
  return { ...reply, operationId: route.operationId, path };
}

async function answer(
  store: Store,
  request: IncomingMessage,
  route: Route,
  path: Record<string, string>,
): Promise<{ reply: Reply; body?: unknown }> {
  const reply = (r: Reply, body?: unknown) => ({ reply: r, body });
  const secret = bearer(request);
  if (!secret) return reply(errorReply(401, "Invalid Credentials: no bearer token"));
  const auth = store.authenticate(secret);
  if ("reason" in auth) return reply(errorReply(401, `Invalid Credentials: ${auth.reason}`));
  const body = await readJson(request);
  const rules = operations[route.operationId];
  const issues = checkRequest(rules, { path, body }, "allow");
  if (issues.length) return reply(errorReply(400, "Bad Request", issues), body);
  if (isReadScaling(auth.token)) {
    // S4 comes first: a read-scaling token learns nothing, not even whether the target exists.
    const decision = decideScope(actionOf[route.operationId], {
      caller: auth.user.username,
      callerIsReadScaling: true,
      target: "",
    });
    if (decision.outcome === "deny") {
      return reply(errorReply(403, `Unauthorized: ${decision.reason} (rule ${decision.rule})`), body);
    }
  }
  const handled = handlers[route.operationId]({ store, caller: auth.user, path, body });
  if (handled.status === rules.successStatus && "response" in rules) {
    const problems = checkValue(rules.response, handled.body, "response", { unknownProperties: "allow" });
    if (problems.length) {
      return reply(
        errorReply(500, "Internal Error: the emulator built an answer that breaks the spec", problems),
        body,
      );
    }
  }
  return reply(handled, body);
}

function send(response: ServerResponse, reply: Reply | "unrouted"): void {
  if (reply === "unrouted") {
    // As the real API does: an unknown route answers plain text, with no JSON error code.
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not Found");
    return;
  }
  const text = JSON.stringify(reply.body);
  response
    .writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) })
    .end(text);
}

export function createEmulatorServer(store: Store, onExchange?: (exchange: Exchange) => void): Server {
  return createServer((request, response) => {
    handle(store, request)
      .catch((error: unknown): Handled => ({
        reply:
          error instanceof BadRequest
            ? errorReply(400, `Bad Request: ${error.message}`)
            : errorReply(500, "Internal Error"),
      }))
      .then(({ reply, operationId, path, body }) => {
        send(response, reply);
        onExchange?.({
          method: request.method ?? "",
          url: request.url ?? "",
          operationId,
          pathParams: path ?? {},
          requestBody: body,
          status: reply === "unrouted" ? 404 : reply.status,
          responseBody: reply === "unrouted" ? undefined : reply.body,
        });
      });
  });
}
