// The spec's runtime rules, as generated, with the names the rest of the code uses for them.
export { operations } from "./generated/rules.js";
export { enums } from "./generated/enums.js";
import type { operations } from "./generated/rules.js";

/** An operationId of the spec, such as "users-createToken". */
export type OperationId = keyof typeof operations;
