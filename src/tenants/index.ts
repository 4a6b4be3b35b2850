// `motherduck-rest/tenants`: each customer declared as a spec, and `apply` converging MotherDuck to it.
export { createTenants } from "./tenants.js";
export { memorySecretStore } from "./memory-store.js";
export { fileSecretStore } from "./file-store.js";
export { SecretStoreError } from "./store-error.js";
export type {
  ApplyOptions,
  Change,
  ChangeKind,
  RemoveOptions,
  SecretStore,
  StoredSecret,
  TenantOutcome,
  TenantPlan,
  TenantResult,
  TenantSpec,
  Tenants,
  TenantsOptions,
  TenantsProgress,
  TenantsReport,
  TokenSpec,
} from "./types.js";
