// @vitest-environment happy-dom
import '../test/setup.js';
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../hooks/use-decision.js';
import { makeAction } from '../test/fake-server.js';
import { ApprovalPanel } from './approval-panel.js';

const idle = (): Decision => ({ busy: null, error: null, decide: vi.fn(async () => undefined) });

describe('ApprovalPanel', () => {
  it('gives an approver large approve and deny buttons', () => {
    const decision = idle();
    render(
      <ApprovalPanel
        action={makeAction()}
        me={{ name: 'ann', role: 'approver', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={decision}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: /approve/i }));
    fireEvent.click(screen.getByRole('button', { name: /deny/i }));
    expect(decision.decide).toHaveBeenNthCalledWith(1, true);
    expect(decision.decide).toHaveBeenNthCalledWith(2, false);
  });

  it("shows a quorum's progress, who approved and why, and what it waits for", () => {
    const action = makeAction({
      approvals_required: 2,
      approvals: [{ by: 'alice', at: new Date().toISOString(), reason: 'order checked' }],
      waiting_for: {
        any_approver: false,
        approvers: ['finance'],
        identities: ['bob'],
        runtime_groups: [],
        text: 'finance',
      },
      you_may_decide: { ok: true, code: 'ok', reason: null },
    });
    render(
      <ApprovalPanel
        action={action}
        me={{ name: 'bob', role: 'approver', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(screen.getByTestId('quorum-progress').textContent).toMatch(/1 of 2 approvals — waiting for finance/);
    expect(screen.getByTestId('quorum-progress').textContent).toMatch(/alice approved .*order checked/);
    expect(screen.getByRole('button', { name: /approve/i })).toBeTruthy();
  });

  it("replaces the buttons with the server's reason when this person may not decide", () => {
    const action = makeAction({
      approvals_required: 2,
      you_may_decide: {
        ok: false,
        code: 'not_an_approver',
        reason: 'erin may not decide on this action; waiting for finance',
      },
    });
    render(
      <ApprovalPanel
        action={action}
        me={{ name: 'erin', role: 'approver', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(screen.queryByRole('button', { name: /approve/i })).toBeNull();
    expect(screen.getByTestId('decision-blocked').textContent).toMatch(/waiting for finance/);
  });

  it('shows an agent no buttons and says why', () => {
    const { approval_token: _none, ...action } = makeAction();
    render(
      <ApprovalPanel
        action={action}
        me={{ name: 'bot', role: 'agent', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(screen.queryByRole('button', { name: /approve/i })).toBeNull();
    expect(screen.getByRole('note').textContent).toMatch(/separation of duties/);
  });

  it('shows who decided, and the reason as text, once the action is decided', () => {
    const action = makeAction({
      status: 'denied',
      approval_decided_by: 'ann',
      approval_decided_at: new Date().toISOString(),
      approval_reason: '<b>nope</b>',
    });
    const { container } = render(
      <ApprovalPanel
        action={action}
        me={{ name: 'ann', role: 'approver', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(container.textContent).toContain('Denied by ann');
    expect(container.textContent).toContain('<b>nope</b>');
    expect(container.querySelector('b')).toBeNull();
  });

  it('marks a decision by the action’s own submitter as a self-approval', () => {
    const at = new Date().toISOString();
    const action = makeAction({ status: 'approved', submitted_by: 'admin', approval_decided_by: 'admin' });
    const me = { name: 'admin', role: 'admin' as const, open_mode: false, shared_identity: true };
    const { container } = render(
      <ApprovalPanel
        action={{ ...action, approval_decided_at: at }}
        me={me}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(screen.getByTestId('self-approval').textContent).toMatch(/Self-approval/);
    expect(container.textContent).toContain('Approved by admin');
  });

  it('tells a shared token that deciding its own submission is a self-approval', () => {
    render(
      <ApprovalPanel
        action={makeAction({ submitted_by: 'admin' })}
        me={{ name: 'admin', role: 'admin', open_mode: false, shared_identity: true }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(screen.getByRole('note').textContent).toMatch(/recorded as a self-approval/);
    expect(screen.getByRole('button', { name: /approve/i })).toBeDefined();
  });

  it('shows the server error when a decision fails', () => {
    render(
      <ApprovalPanel
        action={makeAction()}
        me={{ name: 'ann', role: 'admin', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={{ ...idle(), error: 'This action was already decided or is no longer pending.' }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toMatch(/already decided/);
  });

  it('says an approval lapsed when the approved action was never started', () => {
    const action = makeAction({
      status: 'expired',
      approval_decided_by: 'ann',
      approval_decided_at: new Date(Date.now() - 20 * 60_000).toISOString(),
      approval_expires_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const { container } = render(
      <ApprovalPanel
        action={action}
        me={{ name: 'ann', role: 'approver', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(container.textContent).toMatch(/Approved by ann .* the approval lapsed: execution did not start before/);
    expect(container.querySelector('.approved')).toBeNull();
    expect(screen.queryByRole('button', { name: /approve/i })).toBeNull();
  });

  it('tells the approver a cancelled action has nothing left to decide', () => {
    const { container } = render(
      <ApprovalPanel
        action={makeAction({ status: 'cancelled', approval_token: null })}
        me={{ name: 'ann', role: 'approver', open_mode: false }}
        reason=""
        onReasonChange={() => undefined}
        decision={idle()}
      />,
    );
    expect(screen.getByRole('status').textContent).toMatch(/Cancelled .* nothing left to approve/);
    expect(screen.queryByRole('button', { name: /approve/i })).toBeNull();
    expect(container.textContent).not.toContain('Approved');
  });
});
