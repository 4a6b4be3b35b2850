import type { CreateEmbedSessionBody, EmbedSession } from "../types.js";
import { ResponseShapeError } from "../errors.js";
import { isUsableEmbedSession } from "../embed-session-usable.js";
import { operations } from "../rules.js";
import { checkValue } from "../validation/schema.js";
import type { Issue } from "../validation/schema.js";
import { check, send } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";

/** `md.dives`: embed sessions, which show a Dive inside your own web page. */
export interface DivesResource {
  /**
   * Mints an embed session for the Dive `diveId` (a UUID), running as the service account `body.username`.
   * Only the returned `session` goes to the browser, as `embedUrl(session)`; the token that minted it stays on
   * your server. A session works for 24 hours: cache one per customer and mint a new one before it expires.
   *
   * `session_name` reuses one read-scaling session across embeds (one per customer, say). `session_hint` is its
   * deprecated alias: it is sent as `session_name`, with a warning; setting both is refused. `version` pins a
   * Dive version (a whole number from 1); `required_resources` (at most 8 KiB as compact JSON) replaces the
   * Dive's declared shares; `initial_state` is a plain JSON object (at most 64 KiB). Bytes are UTF-8, as
   * MotherDuck counts them.
   *
   * A session an iframe cannot carry (shorter than 8 characters, not well-formed UTF-16, or holding anything but
   * visible characters: white space, control, format or invisible ones) is a ResponseShapeError, never a success. The session is a credential: the client
   * adds it to its redactor, so it never appears in an error or a log line, and a failed mint is never retried
   * except after a 429 (nothing was minted then). Creating embed sessions needs a privilege the Admin preset
   * holds, so the server decides (S4 still refuses read-scaling tokens).
   *
   * @throws ValidationError when the Dive id or the body breaks these rules (nothing is sent)
   */
  createEmbedSession(diveId: string, body: CreateEmbedSessionBody, options?: CallOptions): Promise<EmbedSession>;
}

const OPERATION = "dashboards-createEmbedSession";
const { session_name: sessionNameRule } = operations[OPERATION].body.properties;
// An embed session runs as a service account, so the username must be one a service account can have.
const serviceAccountNameRule = operations["users-createServiceAccount"].body.properties.username;

/**
 * What the spec cannot say of an embed body: the username is a service account's, and a deprecated
 * `session_hint` must pass the rules of the `session_name` it is sent as.
 */
function embedBodyIssues(body: Partial<CreateEmbedSessionBody> | undefined): Issue[] {
  const issues: Issue[] = [];
  if (typeof body?.username === "string") {
    issues.push(...checkValue(serviceAccountNameRule, body.username, "body.username", "reject"));
  }
  if (body?.session_hint !== undefined && body.session_name === undefined) {
    issues.push(...checkValue(sessionNameRule, body.session_hint, "body.session_hint", "reject"));
  }
  return issues;
}

/** The body as sent: a deprecated `session_hint` travels as `session_name`, as MotherDuck's own provider sends it. */
function bodyToSend(body: CreateEmbedSessionBody): CreateEmbedSessionBody {
  if (body.session_hint === undefined || body.session_name !== undefined) return body;
  const { session_hint, ...rest } = body;
  return { ...rest, session_name: session_hint };
}

export function createDivesResource(context: ResourceContext): DivesResource {
  return {
    async createEmbedSession(diveId, body, callOptions) {
      const { input, options } = check(context, OPERATION, { path: { dive_id: diveId }, body }, callOptions, (read) =>
        embedBodyIssues(read.body as Partial<CreateEmbedSessionBody> | undefined),
      );
      const checked = input.body as CreateEmbedSessionBody;
      const sent = bodyToSend(checked);
      if (sent !== checked) {
        context.logger.warn?.("session_hint is deprecated: it was sent as session_name, which replaces it.", {
          field: "session_hint",
        });
      }
      const session = await send<EmbedSession>(context, OPERATION, { ...input, body: sent }, options);
      // The session itself stays out of the error: it may still be a credential.
      if (!isUsableEmbedSession(session.session)) {
        throw new ResponseShapeError([{ path: "response.session", message: "is not usable in an iframe" }]);
      }
      context.redact.remember(session.session);
      return session;
    },
  };
}
