// The demo agent's settings, read once from the environment (docker-compose.yaml sets them).

/**
 * @param {Record<string, string | undefined>} env
 * @returns {import('./config.d.mts').DemoAgentConfig}
 */
export function readConfig(env) {
  return {
    baseUrl: env.FARAMESH_BASE_URL ?? 'http://127.0.0.1:8000',
    token: env.FARAMESH_TOKEN,
    intervalMs: positive(env, 'DEMO_AGENT_INTERVAL_MS', 1500),
    maxInFlight: positive(env, 'DEMO_AGENT_MAX_IN_FLIGHT', 20),
    approvalTimeoutMs: positive(env, 'DEMO_AGENT_APPROVAL_TIMEOUT_MS', 600_000),
  };
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 */
function positive(env, name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}=${raw} must be a positive integer`);
  return value;
}
