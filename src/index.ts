export { createMotherDuckClient } from "./client.js";
export type { MotherDuckClient } from "./client.js";
export type { ClientOptions, Logger, FetchFunction } from "./config.js";
export type { CallOptions } from "./resources/context.js";
export type { TokensResource } from "./resources/tokens.js";
export type { UsersResource } from "./resources/users.js";
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
  paths,
  components,
  operations,
} from "./types.js";
