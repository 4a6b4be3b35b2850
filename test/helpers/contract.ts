// The contract check: every request the client sends, and every answer the emulator gives, validated
// against openapi.yaml by an independent JSON Schema validator (ajv), not by the project's own rules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { derefDeep } from "../../scripts/lib/spec.mjs";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const spec = parse(readFileSync(join(import.meta.dirname, "../../openapi.yaml"), "utf8"));
// OpenAPI 3.0 schemas carry keywords JSON Schema does not know (example, x-…): not strict about those.
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

interface CompiledOperation {
  operationId: string;
  method: string;
  segments: string[];
  params: ValidateFunction;
  body: ValidateFunction | undefined;
  responses: Map<number, ValidateFunction>;
}

const compiled: CompiledOperation[] = [];
for (const [path, item] of Object.entries<any>(spec.paths)) {
  for (const [method, rawOp] of Object.entries<any>(item)) {
    const op = derefDeep(spec, rawOp);
    const pathParams = (op.parameters ?? []).filter((p: any) => p.in === "path");
    compiled.push({
      operationId: op.operationId,
      method: method.toUpperCase(),
      segments: path.split("/").slice(1),
      params: ajv.compile({
        type: "object",
        properties: Object.fromEntries(pathParams.map((p: any) => [p.name, p.schema])),
        required: pathParams.filter((p: any) => p.required).map((p: any) => p.name),
      }),
      body: op.requestBody && ajv.compile(op.requestBody.content["application/json"].schema),
      responses: new Map(
        Object.entries<any>(op.responses).map(([status, response]) => [
          Number(status),
          ajv.compile(response.content["application/json"].schema),
        ]),
      ),
    });
  }
}

function describeErrors(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors, { dataVar: "" });
}

/** The operation a method and raw path route to, with the decoded path parameters. */
export function route(method: string, rawPath: string) {
  const segments = rawPath.split("?")[0]!.split("/").slice(1);
  for (const op of compiled) {
    if (op.method !== method || op.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = op.segments.every((template, i) => {
      if (template.startsWith("{")) {
        params[template.slice(1, -1)] = decodeURIComponent(segments[i]!);
        return true;
      }
      return template === segments[i];
    });
    if (matches) return { op, params };
  }
  return undefined;
}

/** What is wrong with a request, by the spec; empty when it conforms. */
export function requestViolations(method: string, rawPath: string, body: unknown, bodyText: string): string[] {
  const routed = route(method, rawPath);
  if (!routed) return [`${method} ${rawPath}: no operation of the spec has this method and path`];
  const { op, params } = routed;
  const problems: string[] = [];
  if (!op.params(params)) problems.push(`${op.operationId} path: ${describeErrors(op.params)}`);
  if (op.body) {
    if (bodyText !== "" && body === undefined) problems.push(`${op.operationId} body: not JSON`);
    else if (!op.body(body)) problems.push(`${op.operationId} body: ${describeErrors(op.body)}`);
  } else if (bodyText !== "") {
    problems.push(`${op.operationId}: a body was sent to an operation that takes none`);
  }
  return problems;
}

/** What is wrong with an answer to `operationId`, by the spec; empty when it conforms. */
export function responseViolations(operationId: string, status: number, body: unknown): string[] {
  const op = compiled.find((o) => o.operationId === operationId);
  if (!op) return [`unknown operation ${operationId}`];
  const validate = op.responses.get(status);
  if (!validate) return [`${operationId}: status ${status} is not one the spec declares`];
  return validate(body) ? [] : [`${operationId} ${status}: ${describeErrors(validate)}`];
}

/** Violations seen in this test file; each helper that observes traffic adds to it. */
export const contractViolations: string[] = [];
