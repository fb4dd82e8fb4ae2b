// @vitest-environment happy-dom
import './test/setup.js';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './app.js';
import { createFakeServer, makeAction } from './test/fake-server.js';

// A loaded CI machine can be slow to run the fake stream and the fetches behind each view.
const SLOW = { timeout: 5000 };

describe('App', () => {
  it('asks for a token, rejects a wrong one, and keeps a good one in session storage', async () => {
    const server = createFakeServer({ tokens: { 'good-token': { name: 'ann', role: 'approver' } } });
    render(<App fetchImpl={server.fetch} />);
    const input = await screen.findByLabelText('Access token', undefined, SLOW);
    fireEvent.change(input, { target: { value: 'wrong' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert', undefined, SLOW)).textContent).toMatch(/not accepted/);
    fireEvent.change(input, { target: { value: 'good-token' } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { name: 'Actions' }, SLOW);
    expect(sessionStorage.getItem('faramesh.token')).toBe('good-token');
    // The stream connects after the page renders (and after its first reads): wait for it.
    await waitFor(() => expect(server.requests.some((r) => r.path === '/v1/events')).toBe(true), SLOW);
    const stream = server.requests.find((r) => r.path === '/v1/events');
    expect(stream?.headers.Authorization).toBe('Bearer good-token');
  });

  it('shows a submitted action live, announces it, and approves it with the a key', async () => {
    const server = createFakeServer();
    render(<App fetchImpl={server.fetch} />);
    await screen.findByText(/No actions yet/, undefined, SLOW);
    await waitFor(() => expect(server.requests.some((r) => r.path === '/v1/events')).toBe(true), SLOW);
    const action = makeAction({ tool: 'stripe', operation: 'refund', agent_id: 'billing' });
    server.actions.push(action);
    act(() => server.emit(action, 'created'));
    const row = await screen.findByRole('button', { name: /stripe refund, open details/ }, SLOW);
    expect(screen.getByTestId('pending-announcer').textContent).toMatch(
      /waiting for approval: stripe refund from billing/,
    );

    fireEvent.click(row);
    await screen.findByRole('dialog', undefined, SLOW);
    await screen.findByRole('button', { name: /^approve/i }, SLOW);
    fireEvent.keyDown(document.body, { key: 'a' });
    await waitFor(() => expect(action.status).toBe('approved'), SLOW);
    const post = server.requests.find((r) => r.method === 'POST');
    expect(post?.body).toEqual({ token: 'tok-approve', approve: true, request_hash: action.request_hash });
    await waitFor(
      () => expect(document.querySelector('.approval-done')?.textContent).toMatch(/Approved by anonymous/),
      SLOW,
    );
    expect(document.querySelector('tr[data-action-id] [data-status]')?.textContent).toBe('Approved');
  });

  it('never shows approve buttons to an agent token', async () => {
    const server = createFakeServer({ tokens: { t: { name: 'bot', role: 'agent' } } });
    sessionStorage.setItem('faramesh.token', 't');
    const action = makeAction();
    server.actions.push(action);
    window.history.replaceState(null, '', `/?action=${action.id}`);
    render(<App fetchImpl={server.fetch} />);
    await screen.findByRole('dialog', undefined, SLOW);
    await screen.findByText(/separation of duties/, undefined, SLOW);
    expect(screen.queryByRole('button', { name: /^approve/i })).toBeNull();
    fireEvent.keyDown(document.body, { key: 'a' });
    expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
  });
});
