// How a tenant's token is keyed in a secret store, and the rule that makes a key safe for every store.

/** The characters a token name every store can key may hold: letters, digits, `_`, `-` or `.`, not starting with `.`; its length is the spec's rule for a token name. */
export const TOKEN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The store key of a tenant's token. */
export function secretKey(serviceAccount: string, tokenName: string): string {
  return `${serviceAccount}/${tokenName}`;
}

/** The prefix of every key of one tenant. */
export function tenantPrefix(serviceAccount: string): string {
  return `${serviceAccount}/`;
}

/** The token name of a key under `prefix`. */
export function tokenNameOf(key: string, prefix: string): string {
  return key.slice(prefix.length);
}
