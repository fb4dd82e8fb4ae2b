// @vitest-environment happy-dom
import '../test/setup.js';
import type { Notification } from '@faramesh/contract';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DeliveryList } from './delivery-list.js';

const note = (overrides: Partial<Notification>): Notification => ({
  id: 'n-1',
  channel: 'ops-hook',
  event_type: 'created',
  action_id: 'a-1',
  state: 'queued',
  attempts: 0,
  next_attempt_at: null,
  last_error: null,
  created_at: '2026-12-06T05:00:00.000Z',
  delivered_at: null,
  ...overrides,
});

describe('notification delivery in the drawer', () => {
  it('names each state in words, with the last error only while it is not delivered', () => {
    const { container } = render(
      <DeliveryList
        error={null}
        items={[
          note({
            id: 'a',
            state: 'retrying',
            attempts: 2,
            last_error: 'HTTP 503',
            next_attempt_at: '2026-12-06T05:01:00Z',
          }),
          note({ id: 'b', state: 'dead', attempts: 8, last_error: 'no answer within 10000 ms', channel: 'finance' }),
          note({
            id: 'c',
            state: 'delivered',
            attempts: 3,
            last_error: 'HTTP 500',
            delivered_at: '2026-12-06T05:02:00Z',
          }),
        ]}
      />,
    );
    const states = [...container.querySelectorAll('[data-state]')].map((el) => el.getAttribute('data-state'));
    expect(states).toEqual(['retrying', 'dead', 'delivered']);
    expect(screen.getByText('Retrying')).toBeTruthy();
    expect(screen.getByText('Dead')).toBeTruthy();
    expect(screen.getByText('Delivered')).toBeTruthy();
    const errors = [...container.querySelectorAll('[data-last-error]')].map((el) => el.textContent);
    expect(errors).toEqual(['Last error: HTTP 503', 'Last error: no answer within 10000 ms']);
  });

  it('renders a hostile receiver error as text, never as markup', () => {
    const { container } = render(
      <DeliveryList error={null} items={[note({ state: 'retrying', last_error: '<img src=x onerror=alert(1)>' })]} />,
    );
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('[data-last-error]')?.textContent).toBe('Last error: <img src=x onerror=alert(1)>');
  });

  it('says when nothing was sent, and when the state could not be loaded', () => {
    const { rerender } = render(<DeliveryList error={null} items={[]} />);
    expect(screen.getByText('No notifications were sent for this action.')).toBeTruthy();
    rerender(<DeliveryList error="forbidden" items={null} />);
    expect(screen.getByText('Delivery state is unavailable: forbidden')).toBeTruthy();
  });

  it('offers a re-drive of a dead notification only when given one, and says when it fails', async () => {
    const items = [note({ id: 'dead-1', state: 'dead', attempts: 8, last_error: 'HTTP 410' }), note({ id: 'q' })];
    const { rerender } = render(<DeliveryList error={null} items={items} />);
    expect(screen.queryByText('Retry delivery')).toBeNull();
    const asked: string[] = [];
    rerender(
      <DeliveryList
        error={null}
        items={items}
        onRetry={async (id) => {
          asked.push(id);
          throw new Error('notification_not_dead');
        }}
      />,
    );
    fireEvent.click(screen.getByText('Retry delivery'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('notification_not_dead'));
    expect(asked).toEqual(['dead-1']);
  });
});
