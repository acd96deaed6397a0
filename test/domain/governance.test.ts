import { describe, expect, it } from 'vitest';
import { formatDuration, gateTimes, healthOf } from '../../src/domain/governance.js';

const H = 3_600_000;
const t = (iso: string) => new Date(iso);

describe('gateTimes', () => {
  it('attributes each interval to the stage it left, the current one up to now', () => {
    const times = gateTimes(
      t('2026-11-20T12:00:00Z'),
      'active',
      [
        { at: t('2026-11-21T12:00:00Z'), from: 'draft', to: 'diagnostic_submitted' },
        { at: t('2026-11-21T16:00:00Z'), from: 'diagnostic_submitted', to: 'draft' },
        { at: t('2026-11-22T12:00:00Z'), from: 'draft', to: 'diagnostic_submitted' },
        { at: t('2026-11-22T14:00:00Z'), from: 'diagnostic_submitted', to: 'active' },
        { at: t('2026-11-23T14:00:00Z'), from: 'active', to: 'paused' },
        { at: t('2026-11-23T17:00:00Z'), from: 'paused', to: 'active' },
      ],
      t('2026-11-24T17:00:00Z'),
    );
    expect(times.byStage).toEqual({
      draft: 24 * H + 20 * H,
      diagnostic_submitted: 4 * H + 2 * H,
      active: 24 * H + 24 * H,
      paused: 3 * H,
    });
    expect(times.currentSince).toEqual(t('2026-11-23T17:00:00Z'));
    expect(times.atCurrent).toBe(24 * H);
  });

  it('with no transitions counts from creation, and never negative', () => {
    const created = t('2026-11-20T12:00:00Z');
    expect(gateTimes(created, 'draft', [], t('2026-11-20T13:00:00Z')).byStage).toEqual({
      draft: H,
    });
    expect(gateTimes(created, 'draft', [], t('2026-11-20T11:00:00Z')).atCurrent).toBe(0);
  });
});

describe('formatDuration and healthOf', () => {
  it('reads at a glance', () => {
    expect(formatDuration(30_000)).toBe('under a minute');
    expect(formatDuration(12 * 60_000)).toBe('12m');
    expect(formatDuration(5 * H + 10 * 60_000)).toBe('5h 10m');
    expect(formatDuration(3 * H)).toBe('3h');
    expect(formatDuration(76 * H)).toBe('3d 4h');
    expect(formatDuration(48 * H)).toBe('2d');
  });

  it('needs attention when anything is overdue or open', () => {
    const none = {
      overdueItems: 0,
      approvalsOverdue: 0,
      openSevereRisks: 0,
      unacknowledgedEscalations: 0,
    };
    expect(healthOf(none)).toBe('ok');
    expect(healthOf({ ...none, unacknowledgedEscalations: 1 })).toBe('attention');
  });
});
