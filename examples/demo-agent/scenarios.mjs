// What the demo agents ask for, weighted so that the default policy (policies/default.yaml) answers
// with a realistic mix: HTTP GETs are allowed, shell commands wait for a human, the rest is denied.
// Nothing here touches the outside world: every tool is simulated.

/**
 * @typedef {{ agentId: string, tool: string, operation: string, weight: number,
 *   params: () => Record<string, unknown>, failRate: number, workMs: [number, number] }} Scenario
 */

/** @param {readonly string[]} items */
const oneOf = (items) => items[Math.floor(Math.random() * items.length)];

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    agentId: 'research-bot',
    tool: 'http',
    operation: 'get',
    weight: 4,
    params: () => ({
      url: oneOf([
        'https://docs.python.org/3/library/asyncio.html',
        'https://api.github.com/repos/nodejs/node/releases/latest',
        'https://en.wikipedia.org/wiki/Role-based_access_control',
      ]),
      method: 'GET',
    }),
    failRate: 0.1,
    workMs: [80, 900],
  },
  {
    agentId: 'support-bot',
    tool: 'http',
    operation: 'get',
    weight: 3,
    params: () => ({
      url: `https://shop.example.com/api/orders/${10_000 + Math.floor(Math.random() * 9000)}`,
      method: 'GET',
    }),
    failRate: 0.05,
    workMs: [50, 400],
  },
  {
    agentId: 'ops-bot',
    tool: 'shell',
    operation: 'run',
    weight: 2,
    params: () => ({
      cmd: oneOf([
        'df -h /var/lib/postgresql',
        'kubectl rollout restart deployment/web',
        'rm -rf /tmp/build-cache',
        'journalctl -u nginx --since "10 min ago"',
      ]),
    }),
    failRate: 0.15,
    workMs: [300, 2500],
  },
  {
    agentId: 'billing-bot',
    tool: 'stripe',
    operation: 'refund',
    weight: 2,
    params: () => ({
      charge_id: `ch_${Math.random().toString(36).slice(2, 12)}`,
      amount: oneOf([25, 180, 1250, 4800]),
      currency: 'usd',
    }),
    failRate: 0,
    workMs: [100, 300],
  },
  {
    agentId: 'support-bot',
    tool: 'http',
    operation: 'post',
    weight: 1,
    params: () => ({ url: 'https://hooks.slack.com/services/T000/B000/XXXX', method: 'POST', body: { text: 'hi' } }),
    failRate: 0,
    workMs: [50, 200],
  },
  {
    agentId: 'data-bot',
    tool: 'postgres',
    operation: 'execute',
    weight: 1,
    params: () => ({ sql: oneOf(['DELETE FROM sessions WHERE expires_at < now()', 'DROP TABLE audit_archive']) }),
    failRate: 0,
    workMs: [100, 600],
  },
];

/** A random scenario, by weight. */
export function pickScenario() {
  const total = SCENARIOS.reduce((sum, s) => sum + s.weight, 0);
  let roll = Math.random() * total;
  for (const scenario of SCENARIOS) {
    roll -= scenario.weight;
    if (roll < 0) return scenario;
  }
  return SCENARIOS[0];
}

/**
 * Pretends to do the work: waits a while, and sometimes fails the way real tools do.
 * @param {Scenario} scenario
 * @param {Record<string, unknown>} params
 */
export async function simulate(scenario, params) {
  const [min, max] = scenario.workMs;
  await new Promise((done) => setTimeout(done, min + Math.random() * (max - min)));
  if (Math.random() < scenario.failRate) throw new Error(`simulated failure of ${scenario.tool} ${scenario.operation}`);
  return { ok: true, tool: scenario.tool, echoed: Object.keys(params).length };
}
