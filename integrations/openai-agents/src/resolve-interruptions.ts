import type { RunResult, RunState } from '@openai/agents';
import { type AgentToolGovernance, callKey, callRequest } from './call-request.js';

// biome-ignore lint/suspicious/noExplicitAny: accepts the result of any agent
type AnyRunResult = Pick<RunResult<any, any>, 'interruptions' | 'state'>;

/**
 * Answers a run's tool approvals with Faramesh's decisions: waits (long-poll) until each held
 * call is approved or denied in Faramesh, applies it with `state.approve`/`state.reject`, and
 * returns the state to pass to `run(agent, state)`. The state serializes, so this may happen in
 * another process than the one that started the run.
 */
export async function resolveInterruptions(
  governance: AgentToolGovernance,
  result: AnyRunResult,
  // biome-ignore lint/suspicious/noExplicitAny: state of any agent
): Promise<RunState<any, any>> {
  const { client } = governance;
  for (const item of result.interruptions ?? []) {
    const raw = item.rawItem as { type?: string; callId?: string; name?: string; arguments?: string };
    if (raw.type !== 'function_call' || raw.name === undefined) continue;
    const action = await client.submitAction(callRequest(governance, raw.name, raw.arguments ?? ''), {
      idempotencyKey: callKey(raw.callId),
    });
    const decided = await client.waitForDecision(
      action.id,
      governance.approvalTimeoutMs === undefined ? {} : { timeoutMs: governance.approvalTimeoutMs },
    );
    if (decided.status === 'approved') result.state.approve(item);
    else {
      const reason = decided.approval_reason ?? decided.reason ?? decided.status;
      result.state.reject(item, { message: `Faramesh: ${decided.status}: ${reason}` });
    }
  }
  return result.state;
}
