import type { ActiveAccount } from "../types.js";
import { call } from "./call.js";
import type { CallOptions, ResourceContext } from "./context.js";

/** `md.accounts`: the accounts of the organization with running Ducklings. */
export interface AccountsResource {
  /**
   * **Preview** (MotherDuck marks this endpoint as preview, so its shape may change): every account of your
   * organization that has running Ducklings, each with its Ducklings (`id` such as `rw` or `rs.0`, `type`,
   * `status` `active` or `cooldown`). An admin call (S2). MotherDuck returns one page today.
   */
  listActive(options?: CallOptions): Promise<ActiveAccount[]>;
}

export function createAccountsResource(context: ResourceContext): AccountsResource {
  return {
    async listActive(options) {
      const body = await call<{ accounts: ActiveAccount[] }>(
        context,
        "ducklings-getActiveAccounts",
        { path: {} },
        options,
      );
      return body.accounts;
    },
  };
}
