import { TokenScopeError } from "../errors.js";
import { decideScope, scopeFactsFromIdentity } from "../scope.js";
import type { Identity, ScopedAction } from "../scope.js";

/** Refuses, before anything is sent, a call the declared identity may not make. Without one the server decides. */
export function guardScope(identity: Identity | undefined, action: ScopedAction, target: string): void {
  if (!identity) return;
  const decision = decideScope(action, scopeFactsFromIdentity(identity, target));
  if (decision.outcome === "deny") throw new TokenScopeError(decision.rule, decision.reason);
}
