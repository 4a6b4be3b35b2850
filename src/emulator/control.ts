// The emulator's control API, under /_emulator/: what a test does in-process (activate, deactivate,
// advanceTime), for a running emulator that only HTTP reaches, such as one started from the CLI. Only the
// emulator's admin token may use it; the MotherDuck API has no such routes, so nothing here can be mistaken
// for one of its operations.
import { timingSafeEqual } from "node:crypto";
import type { ActiveDuckling } from "../types.js";
import type { Issue } from "../validation/schema.js";
import { checkWholeNumber } from "../options.js";
import { errorReply } from "./replies.js";
import { ducklingsIssue } from "./active-ducklings.js";
import { contentTypeProblem } from "./content-type.js";
import type { Reply } from "./replies.js";

export const CONTROL_PREFIX = "/_emulator/";

/** What the control API acts on: the running emulator's own functions. */
export interface ControlTarget {
  adminToken: string;
  /** Whether `secret` is a live token of this emulator (not unknown, revoked or expired). */
  isLiveToken(secret: string): boolean;
  hasUser(username: string, organization: string): boolean;
  activate(username: string, ducklings: ActiveDuckling[] | undefined, organization: string): void;
  deactivate(username: string, organization: string): void;
  advanceTime(seconds: number): void;
  /** The emulator's clock, in ms since the epoch. */
  now(): number;
}

/** A request to the control API, read: the action named by its path, its method, bearer and JSON body. */
export interface ControlRequest {
  action: string;
  method: string;
  bearer: string | undefined;
  /** The Content-Type header, checked as the API routes check it when a body was sent. */
  contentType: string | undefined;
  /** Whether any body bytes were sent. */
  hasBody: boolean;
  body: unknown;
}

/** The most time one advance may move the clock: a century keeps every date the emulator prints valid. */
export const MAX_ADVANCE_SECONDS = 100 * 365 * 86_400;
const DEFAULT_ORGANIZATION = "acme";

type Fields = Record<string, unknown>;
type Action = (target: ControlTarget, body: Fields) => Reply;

const user = { username: "a username", organization: "an organization (default acme)" };

/** Each action: the fields it takes (with what each should be, for the refusal), and what it does. */
const ACTIONS: Record<string, { fields: Record<string, string>; run: Action }> = {
  activate: {
    fields: { ...user, ducklings: "a list of { id, type, status } (default one rw Duckling, active)" },
    run(target, { username, organization, ducklings }) {
      const running = ducklings as ActiveDuckling[] | undefined;
      target.activate(username as string, running, organization as string);
      return { status: 200, body: { username, organization, activated: true } };
    },
  },
  deactivate: {
    fields: user,
    run(target, { username, organization }) {
      target.deactivate(username as string, organization as string);
      return { status: 200, body: { username, organization, activated: false } };
    },
  },
  "advance-time": {
    fields: { seconds: `a whole number of seconds from 0 to ${MAX_ADVANCE_SECONDS}` },
    run(target, { seconds }) {
      target.advanceTime(seconds as number);
      return { status: 200, body: { advanced_seconds: seconds, now: new Date(target.now()).toISOString() } };
    },
  },
};

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const isText = (value: unknown) => typeof value === "string" && value !== "";

/** Every problem with an action's body: an unknown field, a missing or malformed one. */
export function bodyIssues(action: string, body: unknown): Issue[] {
  const { fields } = ACTIONS[action]!;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [{ path: "body", message: `must be a JSON object with ${Object.keys(fields).join(", ")}` }];
  }
  const given = body as Fields;
  const issues: Issue[] = Object.keys(given)
    .filter((name) => !Object.hasOwn(fields, name))
    .map((name) => ({ path: name, message: `is not a field of ${action} (known: ${Object.keys(fields).join(", ")})` }));
  const wrong = (name: string) => issues.push({ path: name, message: `must be ${fields[name]}` });
  if (action === "advance-time") {
    if (checkWholeNumber(given.seconds, "seconds", 0, MAX_ADVANCE_SECONDS).length) wrong("seconds");
    return issues;
  }
  if (!isText(given.username)) wrong("username");
  if (given.organization !== undefined && !isText(given.organization)) wrong("organization");
  const ducklings = given.ducklings === undefined ? undefined : ducklingsIssue(given.ducklings, "ducklings");
  return ducklings ? [...issues, ducklings] : issues;
}

/**
 * The answer to one control request: 401 without a live token and 403 for any token but the admin one, before
 * anything else is said; then 404 for an unknown action, 405 for a method other than POST, 400 for a body that
 * is not declared JSON or that the action cannot take, 404 for an unknown user; else the action is done and its
 * result returned.
 */
export function controlReply(
  target: ControlTarget,
  request: ControlRequest,
): Reply & { headers?: Record<string, string> } {
  if (request.bearer === undefined || !target.isLiveToken(request.bearer)) {
    return errorReply(401, "Invalid Credentials: the control API takes the emulator's admin token as bearer");
  }
  if (!sameSecret(request.bearer, target.adminToken)) {
    return errorReply(403, "Forbidden: the control API takes only the emulator's admin token (the one it printed)");
  }
  const action = Object.hasOwn(ACTIONS, request.action) ? ACTIONS[request.action] : undefined;
  if (!action) {
    const known = Object.keys(ACTIONS).map((name) => `${CONTROL_PREFIX}${name}`);
    return errorReply(404, `No emulator control action "${request.action}"; known: ${known.join(", ")}`);
  }
  if (request.method !== "POST") {
    return { ...errorReply(405, "Method Not Allowed: control actions take POST"), headers: { allow: "POST" } };
  }
  const refusedType = request.hasBody ? contentTypeProblem(request.contentType) : undefined;
  if (refusedType) return errorReply(400, "Bad Request", [{ path: "headers.content-type", message: refusedType }]);
  const issues = bodyIssues(request.action, request.body);
  if (issues.length) return errorReply(400, "Bad Request", issues);
  const body: Fields = { organization: DEFAULT_ORGANIZATION, ...(request.body as Fields) };
  if (typeof body.username === "string" && !target.hasUser(body.username, body.organization as string)) {
    return errorReply(404, `Not Found: no user "${body.username}" in organization "${body.organization}"`);
  }
  return action.run(target, body);
}
