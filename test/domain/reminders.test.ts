import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/domain/engagement.js';
import {
  decideReminder,
  dueAudience,
  dueDateMoments,
  firstApprovalReminder,
  nextApprovalReminder,
  reminderKey,
} from '../../src/domain/reminders.js';

const H = 3_600_000;
const SETTINGS = { after: 24 * H, repeat: 24 * H, dueSoon: 48 * H };
const at = (iso: string) => new Date(iso);
const REQUESTED = at('2026-12-01T10:00:00Z');

describe('approval reminders', () => {
  it('are due first after AMOS_REMINDER_AFTER, then every AMOS_REMINDER_REPEAT', () => {
    const first = firstApprovalReminder(REQUESTED, SETTINGS);
    expect(first).toEqual(at('2026-12-02T10:00:00Z'));
    const second = nextApprovalReminder(first, first, SETTINGS);
    expect(second).toEqual(at('2026-12-03T10:00:00Z'));
    expect(nextApprovalReminder(second, at('2026-12-03T10:00:01Z'), SETTINGS)).toEqual(
      at('2026-12-04T10:00:00Z'),
    );
    const quick = { after: 90_000, repeat: 15 * 60_000, dueSoon: H };
    expect(firstApprovalReminder(REQUESTED, quick)).toEqual(at('2026-12-01T10:01:30Z'));
  });

  it('skip the moments that passed while the app was down, staying on the series', () => {
    const first = at('2026-12-02T10:00:00Z');
    expect(nextApprovalReminder(first, at('2026-12-05T09:00:00Z'), SETTINGS)).toEqual(
      at('2026-12-05T10:00:00Z'),
    );
    expect(nextApprovalReminder(first, at('2026-12-05T10:00:00Z'), SETTINGS)).toEqual(
      at('2026-12-06T10:00:00Z'),
    );
  });

  it('are keyed engagement:kind:item:due-moment', () => {
    expect(reminderKey('e-1', 'approval_waiting', 'a-9', at('2026-12-02T10:00:00Z'))).toBe(
      'e-1:approval_waiting:a-9:2026-12-02T10:00:00.000Z',
    );
  });

  it('are sent only while the request still waits', () => {
    expect(decideReminder('approval_waiting', { kind: 'approval', status: 'pending' })).toEqual({
      send: true,
      audience: { partnerChannel: false, operator: false, holdPartnerChannel: false },
      repeat: true,
    });
    for (const status of ['approved', 'rejected', 'withdrawn']) {
      expect(decideReminder('approval_waiting', { kind: 'approval', status })).toEqual({
        send: false,
        why: `the request is ${status}`,
      });
    }
    expect(decideReminder('approval_waiting', { kind: 'missing' }).send).toBe(false);
  });
});

describe('due-date reminders', () => {
  it('are due AMOS_DUE_SOON before the end of the due day and at its end, in the zone', () => {
    expect(dueDateMoments('scope', '2026-12-15', 'UTC', SETTINGS)).toEqual([
      { kind: 'scope_due_soon', dueAt: at('2026-12-14T00:00:00Z') },
      { kind: 'scope_overdue', dueAt: at('2026-12-16T00:00:00Z') },
    ]);
    expect(
      dueDateMoments('stage', '2026-12-15', 'America/Los_Angeles', { dueSoon: 4 * H }),
    ).toEqual([
      { kind: 'stage_due_soon', dueAt: at('2026-12-16T04:00:00Z') },
      { kind: 'stage_overdue', dueAt: at('2026-12-16T08:00:00Z') },
    ]);
  });

  it('reach the partner channel only while active (held while paused), the operator while active or paused', () => {
    const table = Object.fromEntries(STAGES.map((s) => [s, dueAudience(s)]));
    expect(table).toEqual({
      draft: { partnerChannel: false, operator: false, holdPartnerChannel: false },
      diagnostic_submitted: { partnerChannel: false, operator: false, holdPartnerChannel: false },
      outputs_reviewed: { partnerChannel: false, operator: false, holdPartnerChannel: false },
      execution_approved: { partnerChannel: false, operator: false, holdPartnerChannel: false },
      active: { partnerChannel: true, operator: true, holdPartnerChannel: false },
      paused: { partnerChannel: false, operator: true, holdPartnerChannel: true },
      completed: { partnerChannel: false, operator: false, holdPartnerChannel: false },
      terminated: { partnerChannel: false, operator: false, holdPartnerChannel: false },
    });
  });

  const item = (over: object = {}) => ({
    kind: 'due_item' as const,
    stage: 'active' as const,
    dueDate: '2026-12-15',
    scheduledFor: '2026-12-15',
    done: false,
    ...over,
  });

  it('are sent once, never repeated, while the item is due as scheduled', () => {
    expect(decideReminder('scope_overdue', item())).toEqual({
      send: true,
      audience: { partnerChannel: true, operator: true, holdPartnerChannel: false },
      repeat: false,
    });
    expect(decideReminder('stage_due_soon', item({ stage: 'paused' }))).toEqual({
      send: true,
      audience: { partnerChannel: false, operator: true, holdPartnerChannel: true },
      repeat: false,
    });
  });

  it('are dropped when the item is done, its date moved, or the engagement is over', () => {
    expect(decideReminder('scope_due_soon', item({ done: true }))).toEqual({
      send: false,
      why: 'the item is done',
    });
    expect(decideReminder('scope_due_soon', item({ dueDate: '2026-12-20' }))).toEqual({
      send: false,
      why: 'its due date moved',
    });
    expect(decideReminder('scope_due_soon', item({ dueDate: null }))).toMatchObject({
      send: false,
    });
    expect(decideReminder('stage_overdue', item({ stage: 'terminated' }))).toEqual({
      send: false,
      why: 'the engagement is terminated',
    });
    expect(decideReminder('stage_overdue', { kind: 'approval', status: 'pending' })).toMatchObject({
      send: false,
    });
  });
});
