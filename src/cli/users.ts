// `users list` in the CLI's words: its flags as the library's filter, and the users as a table.
import type { UsersFilter } from "../resources/users.js";
import type { User } from "../types.js";
import type { FlagValues } from "./args.js";
import { UsageError } from "./args.js";
import { table } from "./table.js";

/** --service-accounts or --humans as `is_service_account`; neither lists both kinds. */
export function usersFilter(values: FlagValues): UsersFilter {
  if (values["service-accounts"] && values.humans) {
    throw new UsageError("give --service-accounts or --humans, not both (neither lists both kinds)");
  }
  if (values["service-accounts"]) return { is_service_account: true };
  if (values.humans) return { is_service_account: false };
  return {};
}

function kind(user: User): string {
  if (user.is_service_account === undefined) return "";
  return user.is_service_account ? "service-account" : "human";
}

function yesNo(value: boolean | undefined): string {
  return value === undefined ? "" : value ? "yes" : "no";
}

/** USERNAME, TYPE, ID, ROLES, DEPROVISIONED: a field the server left out is an empty cell. */
export function userTable(users: User[]): string {
  return table(
    ["USERNAME", "TYPE", "ID", "ROLES", "DEPROVISIONED"],
    users.map((user) => [user.username, kind(user), user.id, user.roles?.join(","), yesNo(user.is_deprovisioned)]),
  );
}
