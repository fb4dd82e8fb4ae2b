import { createHmac, timingSafeEqual } from 'node:crypto';
import { identityKey } from '@faramesh/policy';
import type { ActionRecord, EmailLinkStore, Store } from '@faramesh/store';
import type { Principal } from '../auth/authenticator.js';
import { ApiError } from '../http/api-error.js';
import type { ApprovalService } from '../service/approval-service.js';
import type { EmailChannelConfig } from './email-config.js';
import { type EmailLink, verifyLink } from './email-link.js';
import type { IdentityDirectory } from './email-recipients.js';

/** Expired link uses swept along with each use (bounded work, no timer). */
const SWEEP_PER_USE = 100;

export interface EmailLinkDecisionsDeps {
  /** FARAMESH_EMAIL_LINK_SECRET; null when no email channel is configured (every link is refused). */
  key: Buffer | null;
  channels: readonly EmailChannelConfig[];
  store: Store;
  approvals: ApprovalService;
  directory: IdentityDirectory;
  now: () => Date;
}

/** A link that verified, with its channel's settings and the action it is for. */
export interface OpenedLink {
  link: EmailLink;
  channel: EmailChannelConfig;
  action: ActionRecord;
}

/**
 * Decisions from email links. Opening a link (GET) only reads: signature, expiry, channel, the
 * action and its request_hash, and whether the link was used. Deciding (POST) records the link's
 * single use first (atomic across replicas: a second click, on either of the message's links,
 * gets `email_link_used`) and then goes through the one approval path, with every rule of the
 * action's requirement (roles, approvers, groups, quorum, separation of duties). A use is spent
 * even when the approval rules then refuse: the stricter outcome.
 */
export class EmailLinkDecisions {
  private readonly channels: ReadonlyMap<string, EmailChannelConfig>;

  constructor(private readonly deps: EmailLinkDecisionsDeps) {
    this.channels = new Map(deps.channels.map((channel) => [channel.name, channel]));
  }

  /** Verifies a presented link and loads its action; throws the error to show. Changes nothing. */
  async open(token: unknown): Promise<OpenedLink> {
    const { key } = this.deps;
    if (key === null) throw new ApiError('not_found', 'email approvals are not configured on this server');
    const check = verifyLink(token, key, this.deps.now().getTime());
    if (!check.ok) throw new ApiError(check.code, `this approval link can't be used: ${check.reason}`);
    const { link } = check;
    const channel = this.channels.get(link.channel);
    if (channel === undefined) {
      throw new ApiError(
        'email_link_invalid',
        `this approval link's channel (${link.channel}) is no longer configured`,
      );
    }
    const action = await this.deps.store.getAction(link.action_id);
    if (action === null) throw new ApiError('action_not_found', `no action ${link.action_id}`);
    if (action.request_hash !== link.request_hash) {
      throw new ApiError('email_link_invalid', 'this approval link is not for this exact request', {
        request_hash: action.request_hash,
      });
    }
    const used = await this.links().get(link.id);
    if (used !== null) {
      throw new ApiError(
        'email_link_used',
        `this approval link was already used (${used.decision}, at ${used.used_at})`,
        {
          used_at: used.used_at,
          decision: used.decision,
        },
      );
    }
    return { link, channel, action };
  }

  /**
   * Who decides with this link: the signed-in person, who must be its recipient; without a session,
   * the recipient themself when the channel allows link-only approval; otherwise null (sign in first).
   */
  principalFor(opened: OpenedLink, session: Principal | null): Principal | null {
    const { link, channel } = opened;
    if (session !== null) {
      if (identityKey(session.name) !== identityKey(link.identity)) {
        throw new ApiError(
          'email_link_wrong_identity',
          `this link was sent to ${link.identity}; you are signed in as ${session.name}`,
          { recipient: link.identity, signed_in_as: session.name },
        );
      }
      return session;
    }
    return channel.linkOnly ? this.recipientPrincipal(link.identity) : null;
  }

  /**
   * The form token of a link-only confirmation (no session to derive a CSRF token from): an HMAC of
   * the link id, so a form can only be posted for a link one has opened.
   */
  formToken(link: EmailLink): string {
    return createHmac('sha256', this.deps.key ?? Buffer.alloc(32))
      .update('faramesh-email-form\0')
      .update(link.id)
      .digest('base64url');
  }

  formTokenMatches(link: EmailLink, presented: unknown): boolean {
    if (typeof presented !== 'string') return false;
    const expected = Buffer.from(this.formToken(link), 'utf8');
    const given = Buffer.from(presented, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Spends the link's one use, then decides through the approval service. */
  async decide(opened: OpenedLink, principal: Principal, reason: string | null): Promise<ActionRecord> {
    const { link, action } = opened;
    const now = this.deps.now();
    const first = await this.links().use({
      link_id: link.id,
      action_id: link.action_id,
      identity: link.identity,
      decision: link.decision,
      used_at: now.toISOString(),
      expires_at: new Date(link.expires_at_ms).toISOString(),
    });
    if (!first) throw new ApiError('email_link_used', 'this approval link was already used');
    void this.links()
      .deleteExpired(now.toISOString(), SWEEP_PER_USE)
      .catch(() => {});
    return this.deps.approvals.decide(
      action.id,
      {
        token: action.approval_token ?? '',
        approve: link.decision === 'approve',
        reason,
        request_hash: link.request_hash,
      },
      principal,
      // Where the decision was made, for the audit (as a Slack button's decision records Slack).
      { channel: 'email', email_channel: link.channel },
    );
  }

  /**
   * A recipient deciding by link alone: an environment token's identity (its role and groups) when
   * one has that name, else an approver with no groups, who can decide only where the action's rule
   * names them (or any approver may).
   */
  private recipientPrincipal(identity: string): Principal {
    const token = this.deps.directory.tokens.find((t) => t.name === identity);
    const role = token?.role === 'admin' || token?.role === 'agent' ? token.role : 'approver';
    return {
      name: identity,
      role,
      groups: [...(token?.groups ?? [])],
      openMode: false,
      agentIds: [],
      ...(token?.shared === true && { shared: true }),
    };
  }

  private links(): EmailLinkStore {
    const links = this.deps.store.emailLinks;
    if (links === undefined)
      throw new ApiError('notifications_unavailable', 'this storage backend has no email link store');
    return links;
  }
}
