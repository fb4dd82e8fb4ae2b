// @vitest-environment happy-dom
import './test/setup.js';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from './app.js';
import { createFakeServer, makeAction } from './test/fake-server.js';

const SLOW = { timeout: 5000 };

describe('App with single sign-on', () => {
  it('offers "Sign in with SSO" beside the token form, returning to the page the person was on', async () => {
    const server = createFakeServer({
      tokens: { t: { name: 'ann', role: 'approver' } },
      sso: { available: true, session: null },
    });
    window.history.replaceState(null, '', '/?action=abc');
    render(<App fetchImpl={server.fetch} />);
    const link = await screen.findByRole('link', { name: 'Sign in with SSO' }, SLOW);
    expect(link.getAttribute('href')).toBe(`/auth/login?return_to=${encodeURIComponent('/?action=abc')}`);
    expect(screen.getByLabelText('Access token')).toBeTruthy();
    expect(screen.queryByText(/can't be reached right now/)).toBeNull();
  });

  it('says when the identity provider is unreachable, and keeps token login', async () => {
    const server = createFakeServer({
      tokens: { t: { name: 'ann', role: 'approver' } },
      sso: { available: false, session: null },
    });
    render(<App fetchImpl={server.fetch} />);
    await screen.findByText(/can't be reached right now/, undefined, SLOW);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('shows no SSO button when the server has none', async () => {
    const server = createFakeServer({ tokens: { t: { name: 'ann', role: 'approver' } } });
    render(<App fetchImpl={server.fetch} />);
    await screen.findByLabelText('Access token', undefined, SLOW);
    expect(screen.queryByRole('link', { name: 'Sign in with SSO' })).toBeNull();
  });

  it('signs in from the session cookie, approves with the CSRF token, and signs out on the server', async () => {
    const server = createFakeServer({
      tokens: { t: { name: 'bot', role: 'agent' } },
      sso: { available: true, session: { name: 'alice@corp.example', role: 'approver', csrf: 'csrf-1' } },
    });
    const action = makeAction();
    server.actions.push(action);
    window.history.replaceState(null, '', `/?action=${action.id}`);
    render(<App fetchImpl={server.fetch} />);
    await screen.findByRole('dialog', undefined, SLOW);
    expect(document.querySelector('.identity-name')?.textContent).toBe('alice@corp.example');
    fireEvent.click(await screen.findByRole('button', { name: /^approve/i }, SLOW));
    await waitFor(() => expect(action.status).toBe('approved'), SLOW);
    const post = server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/approval'));
    expect(post?.headers['X-Faramesh-CSRF']).toBe('csrf-1');
    expect(post?.headers.Authorization).toBeUndefined();
    expect(action.approval_decided_by).toBe('alice@corp.example');

    fireEvent.keyDown(document.body, { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByLabelText('Access token', undefined, SLOW);
    expect(server.requests.some((r) => r.method === 'POST' && r.path === '/auth/logout')).toBe(true);
    expect(server.sso?.session).toBeNull();
  });
});
