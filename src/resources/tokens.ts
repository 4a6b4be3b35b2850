import type { CreateTokenBody, Token } from "../types.js";
import { TokenScopeError } from "../errors.js";
import { decideTokenCreation, tokenCreationFactsFromIdentity } from "../scope.js";
import type { Identity } from "../scope.js";
import { assertValidRequest, send } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";

/** Rules S2 and S3, decided from the identity the caller declared; nothing to decide without one. */
export function guardTokenCreation(identity: Identity | undefined, username: string): void {
  if (!identity) return;
  const decision = decideTokenCreation(tokenCreationFactsFromIdentity(identity, username));
  if (decision.outcome === "deny") throw new TokenScopeError(decision.rule, decision.reason);
}

export interface TokensResource {
  /**
   * Creates an access token for `username` and returns it, secret included (shown only this once).
   *
   * Scope: you may create tokens for yourself (S1) or, with an Admin read/write token, for a service
   * account of your organization (S2); never for another member (S3). Without `ttl` the token never
   * expires (S7). The username is sent exactly as given (S6).
   *
   * @throws ValidationError when the username or body breaks the spec (nothing is sent)
   * @throws TokenScopeError when the declared identity may not create this token (nothing is sent)
   * @throws PermissionDeniedError (403) when the server refuses by scope; its `hint` explains S2 and S3
   */
  create(username: string, body: CreateTokenBody, options?: CallOptions): Promise<Token>;
}

export function createTokensResource(context: ResourceContext): TokensResource {
  const { raw } = context;
  return {
    async create(username, body, options = {}) {
      assertValidRequest("users-createToken", { path: { username }, body });
      guardTokenCreation(context.identity, username);
      return send<Token>(context, "users-createToken", () =>
        raw.POST("/v1/users/{username}/tokens", {
          params: { path: { username } },
          body,
          signal: options.signal,
          parseAs: "text",
        }),
      );
    },
  };
}
