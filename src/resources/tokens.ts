import type { CreateTokenBody, RotateTokenBody, Token, TokenInfo } from "../types.js";
import { NotFoundError, RateLimitError, TokenRotationError } from "../errors.js";
import { enums, operations } from "../rules.js";
import { isReadyForReadScaling } from "../scope.js";
import { checkValue } from "../validation/schema.js";
import { call, check, guardScope, send } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";
import { rotationBody } from "./rotation.js";
import { scrubbedCause } from "../redact.js";
import { sleep, throwIfAborted } from "../transport/abort.js";

/** The options of `tokens.rotate`: those of every call, and a step between creating and revoking. */
export interface RotateOptions extends CallOptions {
  /**
   * Runs with the new token, secret included, after it is created and before the old one is revoked: deploy
   * the secret here. If it throws or rejects, the old token is not revoked, and the rotation throws a
   * TokenRotationError whose `newToken` is the new token and whose `cause` is what this step threw.
   */
  beforeRevoke?: (token: Token) => unknown;
}

/** `md.tokens`: create, list, revoke and rotate access tokens. */
export interface TokensResource {
  /**
   * Creates an access token for `username` and returns it, secret included (shown only this once).
   *
   * Scope: you may create tokens for yourself (S1) or, with an Admin read/write token, for a service
   * account of your organization (S2); never for another member (S3). Without `ttl` the token never
   * expires (S7). The username is sent exactly as given (S6). A read-scaling token for a service account
   * that holds no read/write token yet sends a warning to `logger.warn` (S5). That check lists the account's
   * tokens first; when the list is refused with 429, the create waits out its `Retry-After` (or until
   * `options.signal` aborts) before it is sent, so it never leaves inside a wait the API asked for.
   *
   * @throws ValidationError when the username or body breaks the spec (nothing is sent)
   * @throws TokenScopeError when the declared identity may not create this token (nothing is sent)
   * @throws PermissionDeniedError (403) when the server refuses by scope; its `hint` explains S2 and S3
   */
  create(username: string, body: CreateTokenBody, options?: CallOptions): Promise<Token>;
  /**
   * Lists the tokens of `username`. Secrets are never included: each item has exactly the fields the
   * spec declares, and a `token` field sent by mistake is dropped. Someone else's tokens need an Admin (S2).
   */
  list(username: string, options?: CallOptions): Promise<TokenInfo[]>;
  /** Revokes a token; it stops working at once. Someone else's tokens need an Admin (S2). */
  delete(username: string, tokenId: string, options?: CallOptions): Promise<void>;
  /**
   * Replaces a token so that a working one is always there: it creates the new token first, and revokes the
   * old one only once the new one exists. For a moment both work; there is never a moment when neither does.
   * Fields left out of `body` are taken from the old token: its `token_type`, its lifetime, and its name
   * with a rotation suffix.
   *
   * Scope: it creates and revokes, so it needs what both need: your own token (S1), or an Admin token
   * for a service account (S2); never another member's (S3).
   *
   * @throws NotFoundError when `username` has no token `tokenId` (nothing is created)
   * @throws TokenRotationError when the new token was created but the old one was not revoked (the revoke
   *   failed, or `beforeRevoke` did); the new token is on its `newToken`
   */
  rotate(username: string, tokenId: string, body?: RotateTokenBody, options?: RotateOptions): Promise<Token>;
}

const listItemFields = Object.keys(operations["users-listTokens"].response.properties.tokens.items.properties);
const optionalCreateBody = { ...operations["users-createToken"].body, required: [] };

/** Keeps only the fields the spec declares for a listed token, so a secret sent by mistake goes no further. */
function declaredFieldsOnly(item: TokenInfo): TokenInfo {
  return Object.fromEntries(Object.entries(item).filter(([key]) => listItemFields.includes(key))) as TokenInfo;
}

export function createTokensResource(context: ResourceContext): TokensResource {
  async function list(username: string, options?: unknown): Promise<TokenInfo[]> {
    const body = await call<{ tokens: TokenInfo[] }>(context, "users-listTokens", { path: { username } }, options);
    return body.tokens.map(declaredFieldsOnly);
  }

  /** S5: warns when a read-scaling token is minted for someone with no read/write token yet. Never fails the call. */
  async function warnIfNotReadyForReadScaling(username: string, options: CallOptions, known?: TokenInfo[]) {
    if (context.identity?.username === username || !context.logger.warn) return;
    let tokens = known;
    if (!tokens) {
      try {
        tokens = await list(username, options);
      } catch (error) {
        throwIfAborted(options.signal);
        context.logger.debug?.(`S5 check of "${username}" failed: ${(error as Error).message}`);
        // The check was refused for the rate: the create that follows would be too, so it waits as told (and a
        // millisecond more, since a timer may fire up to one early).
        if (error instanceof RateLimitError) await sleep((error.retryAfterMs ?? 0) + 1, options.signal);
        return;
      }
    }
    if (isReadyForReadScaling(tokens, enums.token_type.read_write)) return;
    context.logger.warn(
      `"${username}" holds no read/write token yet, so its read-scaling tokens fail (rule S5): create one and connect with it once.`,
      { username, rule: "S5" },
    );
  }

  /** Creates a token whose request `check` has passed. Its secret joins the redactor at once. */
  async function create(username: string, body: CreateTokenBody, options: CallOptions, known?: TokenInfo[]) {
    if (body.token_type === enums.token_type.read_scaling) await warnIfNotReadyForReadScaling(username, options, known);
    const token = await send<Token>(context, "users-createToken", { path: { username }, body }, options);
    context.redact.remember(token.token);
    return token;
  }

  async function deleteToken(username: string, tokenId: string, options?: unknown): Promise<void> {
    await call(context, "users-deleteToken", { path: { username, token_id: tokenId } }, options);
  }

  return {
    async create(username, body, callOptions) {
      const { input, options } = check(context, "users-createToken", { path: { username }, body }, callOptions);
      return create(username, input.body as CreateTokenBody, options);
    },

    list,

    delete: deleteToken,

    async rotate(username, tokenId, body = {}, rotateOptions) {
      // The old token's id and the fields given are checked at once, with the options, rotation's own among
      // them; the new body is checked once it is known.
      const checked = check(
        context,
        "users-deleteToken",
        { path: { username, token_id: tokenId }, body },
        rotateOptions,
        (read) => checkValue(optionalCreateBody, read.body, "body", "reject"),
        "body",
        ["beforeRevoke"],
      );
      const input = checked.input;
      // The calls it makes take every option but rotation's own.
      const { beforeRevoke, ...options } = checked.options as RotateOptions;
      guardScope(context, "users-createToken", username);
      const tokens = await list(username, options);
      const old = tokens.find((token) => token.id === tokenId);
      if (!old) {
        throw new NotFoundError({
          status: 404,
          code: "NOT_FOUND",
          message: `"${username}" has no token ${tokenId}; nothing was created`,
          issues: [],
          requestId: undefined,
          hint: undefined,
          attempts: 1,
        });
      }
      const newBody = rotationBody(old, input.body as RotateTokenBody, new Date());
      check(context, "users-createToken", { path: { username }, body: newBody });
      const created = await create(username, newBody, options, tokens);
      // Past this point the new token exists: whatever fails, it reaches the caller on the error.
      let stage: "beforeRevoke" | "revoke" = "beforeRevoke";
      try {
        await beforeRevoke?.(created);
        stage = "revoke";
        await deleteToken(username, tokenId, options);
      } catch (error) {
        // What beforeRevoke threw came from the caller's code: it travels as a scrubbed copy of what it says, as
        // any cause of unknown origin does. A failed revoke is the library's own error, kept as it is.
        const cause = stage === "beforeRevoke" ? scrubbedCause(error, context.redact) : error;
        throw new TokenRotationError({ username, oldTokenId: tokenId, newToken: created, cause, stage });
      }
      return created;
    },
  };
}
