// @vitest-environment happy-dom
import '../test/setup.js';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeAction, makeEvent } from '../test/fake-server.js';
import { EventTimeline } from './event-timeline.js';

describe('escalation on the timeline', () => {
  it('says which step fired, who may decide from then on, and who is to be notified', () => {
    const action = makeAction({ approvals_required: 2 });
    const escalated = makeEvent(action, 'escalated', {
      step: 1,
      steps: 2,
      approvers: ['sre'],
      notify: ['user:vp'],
      waiting_for: { text: 'finance, sre' },
    });
    render(<EventTimeline events={[escalated]} />);
    expect(screen.getByText('Escalated')).toBeTruthy();
    expect(screen.getByText('Step 1 of 2; now waiting for finance, sre; notify user:vp')).toBeTruthy();
  });
});
