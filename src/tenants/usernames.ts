// MotherDuck compares usernames without regard to case ("T_Acme" and "t_acme" are one account), while a
// path must carry the exact username the server knows (S6). These decide which name a tenant goes by.

/** The form under which two usernames MotherDuck holds to be the same compare equal. */
export function foldUsername(username: string): string {
  return username.toLowerCase();
}

/** An account as the organization's listing names it. */
export interface KnownAccount {
  /** The exact username the API knows, for every path. */
  username: string;
  isServiceAccount: boolean;
}

/** The account `username` names, whatever its case, or undefined when the organization has none. */
export function accountNamed(accounts: ReadonlyMap<string, KnownAccount>, username: string): KnownAccount | undefined {
  return accounts.get(foldUsername(username));
}

/** The first of each group of usernames that differ only in case, in the order given. */
export function distinctUsernames(usernames: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const username of usernames) if (!seen.has(foldUsername(username))) seen.set(foldUsername(username), username);
  return [...seen.values()];
}
