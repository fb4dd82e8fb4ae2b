/**
 * The `action_id` of the Approve / Deny buttons: `faramesh:approve:<action id>:<request_hash>`. It
 * names the action and the exact request the person saw, never the approval token; the server
 * checks the hash against the action's when the button is pressed (request binding).
 */
export interface DecisionButton {
  approve: boolean;
  actionId: string;
  requestHash: string;
}

const PATTERN = /^faramesh:(approve|deny):([0-9a-f-]{36}):([0-9a-f]{64})$/;

export function decisionActionId(approve: boolean, actionId: string, requestHash: string): string {
  return `faramesh:${approve ? 'approve' : 'deny'}:${actionId}:${requestHash}`;
}

/** The decision a button's `action_id` asks for, or null when it isn't one of Faramesh's buttons. */
export function parseDecisionActionId(value: string): DecisionButton | null {
  const match = PATTERN.exec(value);
  if (match === null) return null;
  return { approve: match[1] === 'approve', actionId: match[2] as string, requestHash: match[3] as string };
}
