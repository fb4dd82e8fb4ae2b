import type { Action, JsonObject } from '@faramesh/contract';

/** The value a governed tool interrupts the graph with while its action awaits a decision. */
export interface FarameshApprovalInterrupt {
  type: 'faramesh_approval';
  action_id: string;
  tool: string;
  operation: string;
  params: JsonObject;
  reason: string | null;
  risk_level: string;
  approval_expires_at: string | null;
}

export function approvalInterrupt(action: Action): FarameshApprovalInterrupt {
  return {
    type: 'faramesh_approval',
    action_id: action.id,
    tool: action.tool,
    operation: action.operation,
    params: action.params,
    reason: action.reason,
    risk_level: action.risk_level,
    approval_expires_at: action.approval_expires_at,
  };
}

export function isApprovalInterrupt(value: unknown): value is FarameshApprovalInterrupt {
  return (value as { type?: unknown } | null)?.type === 'faramesh_approval';
}
