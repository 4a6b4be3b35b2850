// What the tenants commands print, as text: plan lines, a line per finished tenant, the live progress line
// and the closing summary. Every value from the file or the server passes through `line`, so it stays on
// one line with its control characters escaped.
import type { Change, ChangeKind, TenantPlan, TenantResult, TenantsProgress, TenantsReport } from "../tenants/types.js";
import { line } from "../printable.js";

/** The sign a plan line starts with, and the change in words. */
const KINDS: Record<ChangeKind, { sign: "+" | "~" | "-"; words: string }> = {
  "create-service-account": { sign: "+", words: "create service account" },
  "set-ducklings": { sign: "~", words: "set Ducklings" },
  "mint-token": { sign: "+", words: "mint token" },
  "replace-token": { sign: "~", words: "replace token" },
  "revoke-token": { sign: "-", words: "revoke token" },
  "delete-service-account": { sign: "-", words: "delete service account (and all its data)" },
};

/** What a change concerns: `t_acme`, or `t_acme/app` for a token. */
function subject(change: Change): string {
  return change.token === undefined ? line`${change.serviceAccount}` : line`${change.serviceAccount}/${change.token}`;
}

/** `+ t_acme/app: mint token (absent)`: one change on one line. */
export function changeLine(change: Change): string {
  const { sign, words } = KINDS[change.kind];
  return `${sign} ${subject(change)}: ${words}` + (change.reason ? line` (${change.reason})` : "");
}

/** Every change of a plan, a line each, in order. */
export function planLines(plans: readonly TenantPlan[]): string[] {
  return plans.flatMap((plan) => plan.changes.map(changeLine));
}

/** The tenants a plan cannot converge, a line each, for stderr. */
export function planErrorLines(plans: readonly TenantPlan[]): string[] {
  return plans.flatMap((plan) =>
    plan.error === undefined ? [] : [line`error: ${plan.serviceAccount}: ${plan.error}`],
  );
}

/** "3 tenants: 2 to change (5 changes), 1 already as declared": what a plan comes to. */
export function planSummary(plans: readonly TenantPlan[]): string {
  const failing = plans.filter((plan) => plan.error !== undefined).length;
  const changing = plans.filter((plan) => plan.changes.length).length;
  const changes = plans.reduce((sum, plan) => sum + plan.changes.length, 0);
  const parts = [
    `${changing} to change (${count(changes, "change")})`,
    `${plans.length - changing - failing} already as declared`,
    ...(failing ? [`${failing} cannot be converged`] : []),
  ];
  return `${count(plans.length, "tenant")}: ${parts.join(", ")}`;
}

/** "t_acme: created (3 changes)", or "t_bob: failed: <why>": one finished tenant. */
export function resultLine(result: TenantResult): string {
  if (result.outcome === "failed") {
    const made = result.changes.length ? ` after ${count(result.changes.length, "change")}` : "";
    return line`${result.serviceAccount}: failed${made}: ${result.error ?? "unknown error"}`;
  }
  const made = result.changes.length ? ` (${count(result.changes.length, "change")})` : "";
  return line`${result.serviceAccount}: ${result.outcome}` + made;
}

/** The live progress line of a terminal: "12/200 tenants done, 1 failed; last: t_acme created". */
export function progressLine({ tenant, done, total }: TenantsProgress, failed: number): string {
  return (
    `${done}/${total} tenants done` +
    (failed ? `, ${failed} failed` : "") +
    line`; last: ${tenant.serviceAccount} ${tenant.outcome}`
  );
}

/** "200 tenants: 198 created, 1 unchanged, 1 failed": what a report comes to, outcomes in a fixed order. */
export function reportSummary(report: TenantsReport): string {
  const order = ["created", "changed", "unchanged", "removed", "failed"] as const;
  const parts = order.flatMap((outcome) => {
    const n = report.tenants.filter((tenant) => tenant.outcome === outcome).length;
    return n ? [`${n} ${outcome}`] : [];
  });
  return `${count(report.tenants.length, "tenant")}: ${parts.join(", ") || "nothing to do"}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
