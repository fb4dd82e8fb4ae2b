import type { ActionView } from './action-view.js';
import type { Condition, WhenUndecidable } from './condition.js';
import { compileGlob } from './glob.js';
import type { ActionPrincipal, MatchSpec } from './types.js';

/**
 * Conditions on the authenticated principal. When the action carries no principal (an old stored
 * action, a bare action file), the condition can't be decided and resolves like an over-long
 * `pattern`: true for deny / require_approval / risk rules, false for allow rules.
 */
export function principalConditions(spec: MatchSpec, whenUndecidable: WhenUndecidable): Condition[] {
  const conditions: Condition[] = [];
  if (spec.principal !== undefined) {
    const glob = compileGlob(spec.principal);
    conditions.push(
      onPrincipal(
        'principal',
        spec.principal,
        whenUndecidable,
        (p) => glob(p.name),
        (p) => p.name,
      ),
    );
  }
  if (spec.principal_role !== undefined) {
    const role = spec.principal_role;
    conditions.push(
      onPrincipal(
        'principal_role',
        role,
        whenUndecidable,
        (p) => p.role === role,
        (p) => p.role,
      ),
    );
  }
  if (spec.principal_group !== undefined) {
    const group = spec.principal_group;
    conditions.push(
      onPrincipal(
        'principal_group',
        group,
        whenUndecidable,
        (p) => p.groups.includes(group),
        (p) => [...p.groups],
      ),
    );
  }
  return conditions;
}

function onPrincipal(
  key: string,
  expected: string,
  whenUndecidable: WhenUndecidable,
  holds: (principal: ActionPrincipal) => boolean,
  read: (principal: ActionPrincipal) => unknown,
): Condition {
  return {
    key,
    expected,
    test: (v: ActionView) => {
      const principal = v.action.principal;
      return principal === undefined ? whenUndecidable : holds(principal);
    },
    actual: (v: ActionView) => (v.action.principal === undefined ? null : read(v.action.principal)),
  };
}
