import type { Client } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import type { Logger } from "../config.js";
import type { Identity } from "../scope.js";
import type { Redactor } from "../redact.js";

/** What every resource needs from the client that owns it. */
export interface ResourceContext {
  raw: Client<paths>;
  identity: Identity | undefined;
  logger: Logger;
  redact: Redactor;
}

/** Options every call takes as its last argument. */
export interface CallOptions {
  /** Cancels the call; it then rejects with the signal's reason, as fetch does. */
  signal?: AbortSignal;
}
