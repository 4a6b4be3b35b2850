// createTenants: observe what MotherDuck holds, plan the changes (a pure function), and carry them out
// through the client's public calls, all requests of a batch sharing one pace.
import type { MotherDuckClient } from "../client.js";
import type { Tenants, TenantsOptions } from "./types.js";

/**
 * The tenants of the organization `md` administers: `plan`, `apply`, `remove` and `secret`. `md` needs an
 * Admin read/write token (S2). Secrets go to `options.secrets`; `options.now` is a clock for tests.
 */
export function createTenants(md: MotherDuckClient, options: TenantsOptions): Tenants {
  const { secrets } = options;
  void md;
  const notYet = () => Promise.reject(new Error("not implemented yet"));
  return {
    plan: notYet,
    apply: notYet,
    remove: notYet,
    secret: (serviceAccount, tokenName) => secrets.get(`${serviceAccount}/${tokenName}`),
  };
}
