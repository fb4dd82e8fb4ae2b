import type { PolicyHolder } from '../policy/policy-holder.js';
import type { ReadinessCheck } from './readiness.js';

/** A valid policy is always loaded (the server doesn't start without one); a failed reload keeps it. */
export function policyCheck(policy: PolicyHolder): ReadinessCheck {
  return {
    name: 'policy',
    async check() {
      const status = policy.status();
      return {
        ok: true,
        details: {
          file: status.file,
          version: status.version,
          hash: status.hash,
          rules: status.rules,
          loaded_at: status.loaded_at,
          last_reload_error: status.last_error?.message ?? null,
        },
      };
    },
  };
}
