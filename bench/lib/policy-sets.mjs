// Equivalent generated policy sets for bench/policy-eval.mjs: the same rules as Faramesh YAML and
// as Cedar text, plus the actions to decide. Deterministic for a seed.
import { canonicalJson } from '../../packages/canonical/dist/index.js';

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOOLS = ['http', 'stripe', 'github', 'db', 'email', 'files', 'slack', 'jira', 's3', 'k8s'];
const OPS = ['get', 'post', 'refund', 'charge', 'read', 'write', 'delete', 'push', 'send', 'list'];
const WORDS = ['prod', 'secret', 'admin', 'invoice', 'password', 'DROP', 'token', 'urgent'];
const PATHS = ['/etc', '/admin', '/api', '/tmp', '/var/log'];
const EFFECTS = ['allow', 'deny', 'require_approval'];

/** Rule i's exact (tool, operation): unique for i < 10,000. */
export function pairOf(i) {
  const tool = `${TOOLS[i % TOOLS.length]}${i >= 100 ? `-${Math.floor(i / 100)}` : ''}`;
  return { tool, op: OPS[Math.floor(i / TOOLS.length) % OPS.length] };
}

export function generateRules(count, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, (_, i) => {
    const { tool, op } = pairOf(i);
    const kind = random();
    let condition = null;
    if (kind < 0.15) condition = { key: 'agent_id', value: `${pick(['ops', 'support', 'billing'])}-*` };
    else if (kind < 0.35) condition = { key: 'amount_gt', value: Math.floor(random() * 5000) };
    else if (kind < 0.5) condition = { key: 'pattern', value: [pick(WORDS), pick(WORDS)] };
    else if (kind < 0.6) condition = { key: 'contains', value: pick(WORDS) };
    else if (kind < 0.75) condition = { key: 'path_starts_with', value: pick(PATHS) };
    else if (kind < 0.85) condition = { key: 'field', value: pick(['gold', 'free']) };
    return { tool, op, condition, effect: pick(EFFECTS), index: i };
  });
}

export function toYaml(rules) {
  const lines = ['version: "bench"', 'rules:'];
  for (const rule of rules) {
    const match = [`tool: "${rule.tool}"`, `op: "${rule.op}"`];
    const c = rule.condition;
    if (c?.key === 'agent_id') match.push(`agent_id: "${c.value}"`);
    if (c?.key === 'amount_gt') match.push(`amount_gt: ${c.value}`);
    if (c?.key === 'pattern') match.push(`pattern: "${c.value.join('|')}"`);
    if (c?.key === 'contains') match.push(`contains: "${c.value}"`);
    if (c?.key === 'path_starts_with') match.push(`path_starts_with: "${c.value}"`);
    if (c?.key === 'field') match.push('field: "customer.tier"', `value: "${c.value}"`);
    lines.push(
      `  - match: { ${match.join(', ')} }`,
      `    ${rule.effect}: true`,
      `    description: "rule ${rule.index}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function toCedar(rules) {
  return rules
    .map((rule) => {
      const c = rule.condition;
      let when = '';
      if (c?.key === 'agent_id') when = `context.agent like "${c.value}"`;
      if (c?.key === 'amount_gt') when = `context.amount > ${c.value}`;
      if (c?.key === 'pattern') when = c.value.map((w) => `context.text like "*${w}*"`).join(' || ');
      if (c?.key === 'contains') when = `context.text like "*${c.value}*"`;
      if (c?.key === 'path_starts_with') when = `context.path like "${c.value}*"`;
      if (c?.key === 'field') when = `context.tier == "${c.value}"`;
      const effect = rule.effect === 'allow' ? 'permit' : 'forbid';
      return `@id("r${rule.index}")\n${effect} (principal, action == Action::"${rule.op}", resource == Tool::"${rule.tool}")${when ? ` when { ${when} }` : ''};`;
    })
    .join('\n');
}

export function generateActions(rules, count, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, () => {
    const target = random() < 0.9 ? pick(rules) : { tool: 'unknown', op: 'get' };
    const params = {};
    if (random() < 0.5) params.amount = Math.floor(random() * 6000);
    if (random() < 0.5) params.path = `${pick(PATHS)}/${pick(['a', 'b', 'users'])}`;
    if (random() < 0.4) params.customer = { tier: pick(['gold', 'free', 'pro']) };
    if (random() < 0.5) params.note = `${pick(WORDS)} ${pick(['rollout', 'report', 'hello'])}`;
    const agent = `${pick(['ops', 'support', 'billing', 'bot'])}-${Math.floor(random() * 9)}`;
    return { agent_id: agent, tool: target.tool, operation: target.op, params, context: {} };
  });
}

/** The Cedar request for an action: the same facts the Faramesh rules read. */
export function cedarCall(id, action) {
  const p = action.params;
  // One object shape for every call: absent facts get values no condition accepts (amounts here are
  // never negative, and no prefix or tier is empty). Optional keys made V8 (Node 20) deoptimize the
  // inlined wasm glue and crash.
  const context = {
    agent: action.agent_id,
    text: canonicalJson(p),
    amount: typeof p.amount === 'number' ? p.amount : -1,
    path: typeof p.path === 'string' ? p.path : '',
    tier: typeof p.customer?.tier === 'string' ? p.customer.tier : '',
  };
  return {
    principal: { type: 'Agent', id: action.agent_id },
    action: { type: 'Action', id: action.operation },
    resource: { type: 'Tool', id: action.tool },
    context,
    preparsedPolicySetId: id,
    entities: [],
  };
}
