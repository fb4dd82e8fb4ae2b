import type { Action } from '@faramesh/contract';
import type { FarameshClient } from '@faramesh/sdk';
import { Command } from '@langchain/langgraph';
import { type FarameshApprovalInterrupt, isApprovalInterrupt } from './approval-interrupt.js';

interface InterruptLike {
  id?: string;
  value?: unknown;
}

/** The Faramesh approvals a graph run stopped on (from `result.__interrupt__` or a state's interrupts). */
export function pendingApprovals(source: object): (FarameshApprovalInterrupt & { interruptId: string | undefined })[] {
  // A graph's invoke result is typed by its state, which doesn't declare `__interrupt__`.
  const list: InterruptLike[] = Array.isArray(source)
    ? source
    : ((source as { __interrupt__?: InterruptLike[] }).__interrupt__ ?? []);
  return list.flatMap((i) => (isApprovalInterrupt(i.value) ? [{ ...i.value, interruptId: i.id }] : []));
}

/**
 * Waits (long-poll) until Faramesh decided every pending approval of a run, then answers the
 * Command that resumes the graph. The resume value carries the decided actions for the record;
 * the governed tools re-read the decision from the server themselves.
 */
export async function resumeWhenDecided(
  client: FarameshClient,
  source: object,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Command<unknown, never, never>> {
  const pending = pendingApprovals(source);
  const decided = await Promise.all(pending.map((p) => client.waitForDecision(p.action_id, options)));
  if (decided.length === 1) return new Command({ resume: summary(decided[0] as Action) });
  // Several interrupts in one step are resumed by interrupt id.
  const byId: Record<string, unknown> = {};
  pending.forEach((p, i) => {
    if (p.interruptId !== undefined) byId[p.interruptId] = summary(decided[i] as Action);
  });
  return new Command({ resume: byId });
}

function summary(action: Action): { action_id: string; status: string } {
  return { action_id: action.id, status: action.status };
}
