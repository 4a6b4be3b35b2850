export { createMotherDuckClient } from "./client.js";
export { EMBED_IFRAME_SANDBOX, EMBED_ORIGIN, EMBED_SESSION_LIFETIME_MS, embedUrl } from "./embed.js";
export { createEmbedSessionCache } from "./embed-session-cache.js";
export type {
  CachedEmbedSession,
  EmbedSessionCache,
  EmbedSessionCacheOptions,
  SessionStore,
  StoredEmbedSession,
} from "./embed-session-cache.js";
export type { MotherDuckClient } from "./client.js";
export type { ClientOptions, FetchFunction } from "./config.js";
export type { Logger } from "./logger.js";
export type { CallOptions, ResponseInfo } from "./options.js";
export type { TokensResource, RotateOptions } from "./resources/tokens.js";
export type { UsersResource, UsersFilter } from "./resources/users.js";
export type { DucklingsResource, DucklingChange } from "./resources/ducklings.js";
export type { AccountsResource } from "./resources/accounts.js";
export type { DivesResource } from "./resources/dives.js";
export type { Identity, Role, ScopeRule, ScopeDecision, ScopeFacts, ScopedAction } from "./scope.js";
export { decideScope } from "./scope.js";
export {
  MotherDuckError,
  ValidationError,
  TokenScopeError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  RateLimitError,
  InternalServerError,
  ConnectionError,
  TimeoutError,
  ResponseShapeError,
  TokenRotationError,
} from "./errors.js";
export type { Issue } from "./errors.js";
export type {
  Token,
  TokenInfo,
  CreateTokenBody,
  RotateTokenBody,
  TokenType,
  ServiceAccount,
  DeletedUser,
  User,
  UsersPage,
  UsersListQuery,
  DucklingConfig,
  SetDucklingConfigBody,
  DucklingSize,
  ActiveAccount,
  ActiveDuckling,
  CreateEmbedSessionBody,
  EmbedSession,
  paths,
  components,
  operations,
} from "./types.js";
