// The emulator's HTTP layer: routing by the spec's paths, authentication, request validation, the S4
// rule, and a check that every answer it sends matches the spec.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { enums, operations } from "../rules.js";
import { checkRequest } from "../validation/request.js";
import { checkValue } from "../validation/schema.js";
import type { OperationId } from "../rules.js";
import { ERROR_BODY_LIMIT } from "../transport/body.js";
import type { Store } from "./store.js";
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

async function handle(store: Store, request: IncomingMessage): Promise<Reply | "unrouted"> {
  const target = (request.url ?? "/").split("?")[0]!;
  const found = match(request.method ?? "GET", target.split("/").slice(1));
  if (!found) return "unrouted";
  const { route, path } = found;
  const secret = bearer(request);
  if (!secret) return errorReply(401, "Invalid Credentials: no bearer token");
  const auth = store.authenticate(secret);
  if ("reason" in auth) return errorReply(401, `Invalid Credentials: ${auth.reason}`);
  const body = await readJson(request);
  const rules = operations[route.operationId];
  const issues = checkRequest(rules, { path, body }, "allow");
  if (issues.length) return errorReply(400, "Bad Request", issues);
  if (auth.token.tokenType === enums.token_type.read_scaling) {
    return errorReply(403, "Unauthorized: a read-scaling token cannot make admin calls (rule S4)");
  }
  const handler = handlers[route.operationId];
  if (!handler) return "unrouted";
  const reply = handler({ store, caller: auth.user, callerToken: auth.token, path, body });
  if (reply.status === rules.successStatus && "response" in rules) {
    const problems = checkValue(rules.response, reply.body, "response", { unknownProperties: "allow" });
    if (problems.length)
      return errorReply(500, "Internal Error: the emulator built an answer that breaks the spec", problems);
  }
  return reply;
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

export function createEmulatorServer(store: Store): Server {
  return createServer((request, response) => {
    handle(store, request).then(
      (reply) => send(response, reply),
      (error: unknown) =>
        send(
          response,
          error instanceof BadRequest
            ? errorReply(400, `Bad Request: ${error.message}`)
            : errorReply(500, "Internal Error"),
        ),
    );
  });
}
