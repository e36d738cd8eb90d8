import { describe, expect, it } from 'vitest';
import { evaluateAction, type RolePermission, wildcardMatch } from '#shared/providers/azure/evaluate-action.ts';

const READ = 'Microsoft.Network/networkSecurityGroups/read';
const WRITE = 'Microsoft.Network/networkSecurityGroups/securityRules/write';
const DELETE = 'Microsoft.Network/networkSecurityGroups/securityRules/delete';

const role = (actions: string[], notActions: string[] = []): RolePermission => ({ actions, notActions });

describe('evaluateAction (Azure RBAC: some role allows it and that same role does not exclude it)', () => {
  it.each<[string, RolePermission[], string, boolean]>([
    ['nothing assigned', [], READ, false],
    ['Owner (`*`)', [role(['*'])], WRITE, true],
    ['Reader (`*/read`) reads', [role(['*/read'])], READ, true],
    ['Reader (`*/read`) cannot write', [role(['*/read'])], WRITE, false],
    ['Reader (`*/read`) cannot delete', [role(['*/read'])], DELETE, false],
    ['`Microsoft.Network/*` covers every network action', [role(['Microsoft.Network/*'])], DELETE, true],
    ['`Microsoft.Compute/*` is another provider', [role(['Microsoft.Compute/*'])], READ, false],
    ['`Microsoft.Network/*/read` reads any network type', [role(['Microsoft.Network/*/read'])], READ, true],
    ['`Microsoft.Network/*/read` does not write', [role(['Microsoft.Network/*/read'])], WRITE, false],
    ['a wildcard inside a segment', [role(['Microsoft.Network/networkSecurityGroups/security*/write'])], WRITE, true],
    ['the exact action', [role([WRITE])], WRITE, true],
    ['another exact action', [role([WRITE])], DELETE, false],
    ['case-insensitive names', [role(['microsoft.network/NETWORKSECURITYGROUPS/securityrules/WRITE'])], WRITE, true],
    ['case-insensitive wildcards', [role(['MICROSOFT.NETWORK/*/Read'])], READ, true],
    [
      '`…/securityRules/*` minus the delete notAction still writes',
      [role(['Microsoft.Network/networkSecurityGroups/securityRules/*'], [DELETE])],
      WRITE,
      true,
    ],
    [
      '`…/securityRules/*` minus the delete notAction does not delete',
      [role(['Microsoft.Network/networkSecurityGroups/securityRules/*'], [DELETE])],
      DELETE,
      false,
    ],
    [
      '`…/securityRules/*` does not read the NSG itself',
      [role(['Microsoft.Network/networkSecurityGroups/securityRules/*'])],
      READ,
      false,
    ],
    [
      'Contributor (`*` minus Authorization writes) writes rules',
      [role(['*'], ['Microsoft.Authorization/*/Write'])],
      WRITE,
      true,
    ],
    ['a wildcard notAction takes the action away', [role(['Microsoft.Network/*'], ['*/delete'])], DELETE, false],
    [
      'notActions only subtract from their own role: another role still allows it',
      [role(['Microsoft.Network/*'], [DELETE]), role([DELETE])],
      DELETE,
      true,
    ],
    ["another role's notActions do not take it away", [role([WRITE]), role(['*/read'], [WRITE])], WRITE, true],
    ['a notAction alone allows nothing', [role([], [DELETE])], DELETE, false],
    ['a pattern must cover the whole action', [role(['Microsoft.Network/networkSecurityGroups'])], READ, false],
  ])('%s', (_case, entries, action, allowed) => {
    expect(evaluateAction(entries, action).allowed).toBe(allowed);
  });

  it('names the notAction that took the action away', () => {
    expect(
      evaluateAction([role(['Microsoft.Network/networkSecurityGroups/securityRules/*'], ['*/delete'])], DELETE),
    ).toEqual({ allowed: false, excludedBy: '*/delete' });
    expect(evaluateAction([role(['*/read'])], DELETE)).toEqual({ allowed: false, excludedBy: undefined });
  });
});

describe('wildcardMatch', () => {
  it.each([
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['*/read', 'x/y/read', true],
    ['**', 'anything', true],
  ])('%s against %s: %s', (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });

  it('answers a pattern of many stars that almost matches (a regular expression built from it would backtrack for ages)', () => {
    expect(wildcardMatch(`${'a*'.repeat(40)}b`, 'a'.repeat(5000))).toBe(false);
  });
});
