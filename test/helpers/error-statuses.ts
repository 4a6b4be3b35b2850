// The error statuses the spec declares for every operation, with the class each must become.
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
} from "../../src/index.js";

export const ERROR_STATUSES = [
  { status: 400, code: "BAD_REQUEST", ErrorClass: BadRequestError },
  { status: 401, code: "UNAUTHORIZED", ErrorClass: AuthenticationError },
  { status: 403, code: "FORBIDDEN", ErrorClass: PermissionDeniedError },
  { status: 404, code: "NOT_FOUND", ErrorClass: NotFoundError },
  { status: 500, code: "INTERNAL_SERVER_ERROR", ErrorClass: InternalServerError },
];
