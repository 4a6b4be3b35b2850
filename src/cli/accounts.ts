// `accounts active` as a table: one row per running Duckling, so an account with two shows twice.
import type { ActiveAccount } from "../types.js";
import { table } from "./table.js";

/** USERNAME, DUCKLING (its id: rw, rs.0, …), TYPE, STATUS. An account listed with no Duckling keeps one row. */
export function activeAccountTable(accounts: ActiveAccount[]): string {
  return table(
    ["USERNAME", "DUCKLING", "TYPE", "STATUS"],
    accounts.flatMap((account) =>
      account.ducklings.length
        ? account.ducklings.map((duckling) => [account.username, duckling.id, duckling.type, duckling.status])
        : [[account.username, "", "", ""]],
    ),
  );
}

export const PREVIEW_NOTE =
  "note: accounts active uses a preview endpoint of the MotherDuck API, whose answer may still change.\n";
