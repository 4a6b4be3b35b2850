import type { Client } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import type { KnownIdentity } from "../config.js";
import type { Logger } from "../logger.js";
import type { Redactor } from "../redact.js";

export type { CallOptions } from "../options.js";

/** What every resource needs from the client that owns it. */
export interface ResourceContext {
  raw: Client<paths>;
  /** The declared identity; its service accounts grow and shrink as the client creates and deletes them. */
  identity: KnownIdentity | undefined;
  /** Already safe: it scrubs every line and never throws. */
  logger: Logger;
  redact: Redactor;
}
