import type { SubmitActionRequest } from '@faramesh/contract';
import type { Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import type { ActionService } from '../service/action-service.js';
import type { ApprovalService } from '../service/approval-service.js';

const DEMO_AGENT: Principal = { name: 'demo-agent', role: 'admin', groups: [], openMode: false, agentIds: ['*'] };
const DEMO_APPROVER: Principal = { name: 'demo-approver', role: 'approver', groups: [], openMode: false, agentIds: [] };

type Ending = 'leave' | 'approve' | 'deny' | 'succeed' | 'fail' | 'start';

interface DemoStep {
  request: SubmitActionRequest;
  /** What happens after the policy's decision, when the decision allows it. */
  after: Ending[];
}

const STEPS: DemoStep[] = [
  { request: req('support-bot', 'http', 'get', { url: 'https://api.example.com/orders/1042' }), after: ['succeed'] },
  { request: req('support-bot', 'http', 'get', { url: 'https://status.example.com/health' }), after: ['start'] },
  { request: req('ops-agent', 'shell', 'run', { cmd: 'df -h /var/lib' }), after: ['approve', 'succeed'] },
  { request: req('ops-agent', 'shell', 'run', { cmd: 'rm -rf /tmp/build-cache' }), after: ['leave'] },
  { request: req('ops-agent', 'shell', 'run', { cmd: 'systemctl restart nginx' }), after: ['deny'] },
  { request: req('ops-agent', 'shell', 'run', { cmd: 'journalctl -u api --since -1h' }), after: ['approve', 'fail'] },
  {
    request: req('billing-agent', 'stripe', 'refund', { amount: 4999, currency: 'usd', charge: 'ch_3Nf' }),
    after: ['leave'],
  },
  { request: req('billing-agent', 'stripe', 'refund', { amount: 120, currency: 'usd', charge: 'ch_9Kq' }), after: [] },
  {
    request: req('research-agent', 'http', 'post', { url: 'https://hooks.example.com/notify', body: { text: 'hi' } }),
    after: [],
  },
  { request: req('ops-agent', 'shell', 'run', { cmd: 'kubectl get pods -n payments' }), after: ['leave'] },
];

function req(agent: string, tool: string, operation: string, params: Record<string, unknown>): SubmitActionRequest {
  return { agent_id: agent, tool, operation, params, context: { demo: true, session: 'demo' } };
}

/**
 * Seeds realistic demo actions into an EMPTY database through the real lifecycle: each is decided by
 * the loaded policy and recorded with its events, then some are approved, denied, run or failed.
 * Returns how many actions were created (0 when the database already had actions).
 */
export async function seedDemoData(service: ActionService, approvals: ApprovalService, store: Store): Promise<number> {
  const counts = await store.countByStatus();
  if (Object.values(counts).some((n) => n > 0)) return 0;
  for (const step of STEPS) {
    const { record } = await service.submit(step.request, DEMO_AGENT, null);
    let current = record;
    for (const ending of step.after) {
      try {
        current = await apply(service, approvals, current.id, current.approval_token, ending);
      } catch {
        break; // The policy decided otherwise (e.g. denied): leave the action as it is.
      }
    }
  }
  return STEPS.length;
}

async function apply(
  service: ActionService,
  approvals: ApprovalService,
  id: string,
  token: string | null,
  ending: Ending,
) {
  switch (ending) {
    case 'leave':
      return service.getExact(id, DEMO_AGENT);
    case 'approve':
    case 'deny':
      return approvals.decide(id, { token: token ?? '', approve: ending === 'approve', reason: 'demo' }, DEMO_APPROVER);
    case 'start':
      return service.start(id, DEMO_AGENT);
    case 'succeed':
      return service.result(id, { success: true }, DEMO_AGENT);
    case 'fail':
      return service.result(id, { success: false, error: 'exit status 1: permission denied' }, DEMO_AGENT);
  }
}
