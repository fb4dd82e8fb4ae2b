import type { IncomingHttpHeaders } from 'node:http';
import type { ApprovalRequest, JsonObject } from '@faramesh/contract';
import type { ActionRecord } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { ApiError } from '../http/api-error.js';
import { toApiError } from '../http/to-api-error.js';
import { approvalProgress } from '../service/approval-wire.js';
import { parseDecisionActionId } from './slack-action-id.js';
import { SLACK_USER_ID } from './slack-config.js';
import type { SlackIdentities } from './slack-identities.js';
import { type SlackReplayGuard, verifySlackSignature } from './slack-signature.js';

export interface SlackInteractionDeps {
  /** The app's signing secrets (two while rotating). */
  signingSecrets: readonly string[];
  identities: SlackIdentities;
  /** The identity's principal as its token would authenticate it (Authenticator.principalNamed). */
  principalNamed(name: string): Promise<Principal | null>;
  getAction(id: string): Promise<ActionRecord | null>;
  /** The one approval path (ApprovalService.decide): roles, groups, quorum, separation of duties, request binding. */
  decide(id: string, body: ApprovalRequest, principal: Principal, via: JsonObject): Promise<ActionRecord>;
  /** Sends an ephemeral answer to the person who pressed the button (Slack's response_url). */
  respond(responseUrl: string, text: string): void;
  replay: SlackReplayGuard;
  now: () => Date;
}

/** What became of one interaction (the HTTP answer is an empty 200 either way; tests read this). */
export type SlackInteractionResult =
  | { kind: 'ignored' }
  | { kind: 'decided'; status: string; text: string }
  | { kind: 'refused'; code: string; text: string };

interface ButtonPress {
  userId: string;
  responseUrl: string | null;
  actionId: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Slack's interactivity requests (`POST /v1/slack/interactions`): verifies the signature, maps the
 * Slack user to an identity and runs the normal approve / deny path as that identity, with the
 * approval token read from the action (the button carries the action id and request_hash, never the
 * token) and the button's request_hash required to equal the action's. Whatever happens, the person
 * gets an ephemeral answer; refusals ("not allowed") change nothing.
 */
export class SlackInteractions {
  constructor(private readonly deps: SlackInteractionDeps) {}

  /** Throws 401 `slack_signature_invalid` unless the request is Slack's, fresh, and not seen before. */
  verify(headers: IncomingHttpHeaders, body: Buffer): void {
    const timestamp = header(headers['x-slack-request-timestamp']);
    const signature = header(headers['x-slack-signature']);
    const nowMs = this.deps.now().getTime();
    const verdict = verifySlackSignature({ secrets: this.deps.signingSecrets, timestamp, signature, body, nowMs });
    if (!verdict.ok) {
      throw new ApiError('slack_signature_invalid', 'the request is not signed by Slack within the last 5 minutes', {
        reason: verdict.reason,
      });
    }
    if (this.deps.replay.seen(signature as string, timestamp as string, nowMs)) {
      throw new ApiError('slack_signature_invalid', 'this signed request was already received', { reason: 'replayed' });
    }
  }

  /** Acts on a verified request's body (`payload=<JSON>`, form-encoded). */
  async handle(body: Buffer): Promise<SlackInteractionResult> {
    const press = parsePress(body);
    if (press === null) return { kind: 'ignored' };
    const button = parseDecisionActionId(press.actionId);
    if (button === null) return { kind: 'ignored' }; // e.g. the "Open in Faramesh" link button
    const result = await this.decide(press, button);
    if (press.responseUrl !== null) this.deps.respond(press.responseUrl, result.text);
    return result;
  }

  private async decide(
    press: ButtonPress,
    button: NonNullable<ReturnType<typeof parseDecisionActionId>>,
  ): Promise<Exclude<SlackInteractionResult, { kind: 'ignored' }>> {
    const identity = await this.deps.identities.identityOf(press.userId);
    if (!identity.ok) return { kind: 'refused', code: 'not_linked', text: `Not allowed: ${identity.reason}.` };
    const principal = await this.deps.principalNamed(identity.name);
    if (principal === null) {
      return {
        kind: 'refused',
        code: 'unknown_identity',
        text: `Not allowed: ${identity.name} is not a Faramesh identity (no token has that name).`,
      };
    }
    const record = await this.deps.getAction(button.actionId);
    if (record === null) return { kind: 'refused', code: 'action_not_found', text: 'This action no longer exists.' };
    const what = `${record.tool} ${record.operation}`;
    try {
      const decided = await this.deps.decide(
        record.id,
        { token: record.approval_token ?? '', approve: button.approve, request_hash: button.requestHash },
        principal,
        { channel: 'slack', slack_user: press.userId },
      );
      return { kind: 'decided', status: decided.status, text: decidedText(decided, what, principal.name) };
    } catch (error) {
      const { apiError, unexpected } = toApiError(error);
      if (unexpected) throw error;
      return { kind: 'refused', code: apiError.code, text: refusalText(apiError, what, principal) };
    }
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/** The button press in a `block_actions` payload, or null for anything else Slack may send. */
function parsePress(body: Buffer): ButtonPress | null {
  const raw = new URLSearchParams(body.toString('utf8')).get('payload');
  if (raw === null) throw new ApiError('bad_request', 'a Slack interaction carries a `payload` form field');
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    throw new ApiError('bad_request', 'the Slack payload is not JSON');
  }
  if (!isRecord(payload)) throw new ApiError('bad_request', 'the Slack payload is not an object');
  if (payload.type !== 'block_actions') return null;
  const user = isRecord(payload.user) ? payload.user.id : undefined;
  const [action] = Array.isArray(payload.actions) ? payload.actions : [];
  const actionId = isRecord(action) ? action.action_id : undefined;
  if (typeof user !== 'string' || !SLACK_USER_ID.test(user) || typeof actionId !== 'string') {
    throw new ApiError('bad_request', 'a block_actions payload needs user.id and actions[0].action_id');
  }
  const responseUrl = typeof payload.response_url === 'string' ? payload.response_url : null;
  return { userId: user, responseUrl, actionId: actionId.slice(0, 300) };
}

function decidedText(record: ActionRecord, what: string, name: string): string {
  if (record.status === 'approved') return `You (${name}) approved ${what}: it is approved.`;
  if (record.status === 'denied') return `You (${name}) denied ${what}.`;
  const progress = approvalProgress(record, Date.parse(record.updated_at));
  const waiting = progress.waiting_for?.text ? `; waiting for ${progress.waiting_for.text}` : '';
  return `You (${name}) approved ${what}: ${progress.approvals.length} of ${progress.approvals_required ?? 1} approvals${waiting}.`;
}

function refusalText(error: ApiError, what: string, principal: Principal): string {
  switch (error.code) {
    case 'forbidden':
      return `Not allowed: ${principal.name} (role ${principal.role}) may not approve or deny actions.`;
    case 'not_an_approver': {
      const who = (error.details as { who_may?: { text?: unknown } } | null)?.who_may?.text;
      return `Not allowed: ${principal.name} is not among the approvers of ${what}${typeof who === 'string' && who !== '' ? ` (waiting for ${who})` : ''}.`;
    }
    case 'self_approval_forbidden':
      return `Not allowed: ${principal.name} submitted ${what} and may not decide on it.`;
    case 'already_approved':
      return `You (${principal.name}) already approved ${what}; each person counts once.`;
    case 'invalid_transition':
      return `Nothing changed: ${what} was already decided.`;
    case 'approval_expired':
      return `Too late: the approval window of ${what} has closed.`;
    case 'approval_token_invalid':
      return `Refused: ${what} is no longer exactly the request this message shows.`;
    default:
      return `Your decision on ${what} was not recorded: ${error.message}`;
  }
}
