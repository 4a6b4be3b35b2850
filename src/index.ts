export { createMotherDuckClient } from "./client.js";
export type { MotherDuckClient } from "./client.js";
export type { ClientOptions, Logger, FetchFunction } from "./config.js";
export type { CallOptions } from "./resources/context.js";
export type { TokensResource } from "./resources/tokens.js";
export type { Identity, Role, ScopeRule, ScopeDecision, TokenCreationFacts } from "./scope.js";
export { decideTokenCreation } from "./scope.js";
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
} from "./errors.js";
export type { Issue } from "./errors.js";
export type { Token, CreateTokenBody, TokenType, paths, components, operations } from "./types.js";
