/** One entry of `GET {scope}/providers/Microsoft.Authorization/permissions`: one role's control-plane permissions. */
export interface RolePermission {
  actions: readonly string[];
  notActions: readonly string[];
}

/** Whether the entries allow an action; when not, the notAction that took it away from an entry that listed it. */
export type ActionVerdict = { allowed: true } | { allowed: false; excludedBy: string | undefined };

/**
 * Azure RBAC's rule for control-plane actions ("Understand Azure role definitions", learn.microsoft.com): each role's
 * effective permissions are its `actions` minus its `notActions` ("Actions - NotActions = Effective control plane
 * permissions"), and a principal may do what any of its roles allows. `notActions` is not a deny: it subtracts only
 * from the `actions` of the same role, so another role that allows the action still allows it. Patterns hold `*`
 * wildcards anywhere (`*`, `*\/read`, `Microsoft.Network/*`, `Microsoft.Network/*\/read`), a `*` standing for any
 * run of characters, slashes included; operation names compare case-insensitively (the docs write both
 * `Microsoft.Authorization/*\/Delete` and `microsoft.web/sites/restart/Action`). So an action is allowed when some
 * entry has an `actions` pattern that matches it and none of that entry's `notActions` patterns matches it.
 * Deny assignments are not part of this list (a GET that ARM refuses still says so).
 */
export function evaluateAction(entries: readonly RolePermission[], action: string): ActionVerdict {
  let excludedBy: string | undefined;
  for (const entry of entries) {
    if (!entry.actions.some((pattern) => wildcardMatch(pattern, action))) continue;
    const exclusion = entry.notActions.find((pattern) => wildcardMatch(pattern, action));
    if (exclusion === undefined) return { allowed: true };
    excludedBy ??= exclusion;
  }
  return { allowed: false, excludedBy };
}

/**
 * Whether `pattern` (with `*` for any run of characters) covers all of `text`, case-insensitively. Linear
 * backtracking to the last `*` only, so a pattern from the provider with many stars cannot blow up the way a regular
 * expression built from it could.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  let pi = 0;
  let ti = 0;
  let star = -1;
  let resume = 0;
  while (ti < t.length) {
    if (pi < p.length && p[pi] === '*') {
      star = pi++;
      resume = ti;
    } else if (pi < p.length && p[pi] === t[ti]) {
      pi++;
      ti++;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++resume;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}
