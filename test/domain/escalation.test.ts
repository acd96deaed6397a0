import { describe, expect, it } from 'vitest';
import {
  actOnEscalation,
  climb,
  type EscalationFacts,
  type LadderContext,
  openEscalation,
  rungsOf,
  slaText,
  validateEscalation,
} from '../../src/domain/escalation.js';
import { SEVERITIES, type Severity } from '../../src/domain/risk.js';

// The escalation ladder with a fixed clock: every severity at every level.
// 2026-12-01 is a Tuesday. Working hours 09:00-18:00; level 2 sits in Los Angeles (UTC-8).

const H = 3_600_000;
const SLAS = { critical: 1 * H, high: 4 * H, medium: 24 * H, low: 72 * H } as const;
const NINE_TO_SIX = { startMinute: 9 * 60, endMinute: 18 * 60 };
const ZONES: Record<string, string> = { U1: 'UTC', U2: 'America/Los_Angeles', U3: 'UTC' };
const ctx = (o: Partial<LadderContext> = {}): LadderContext => ({
  path: { level1: ['U1'], level2: ['U2'], level3: ['U3'] },
  sponsorIds: ['S1', 'S2'],
  slas: SLAS,
  workingHours: NINE_TO_SIX,
  zoneOf: (u) => ZONES[u] ?? 'UTC',
  ...o,
});
const at = (iso: string) => new Date(iso);
// Tuesday 10:00 UTC: working hours in UTC, 02:00 in Los Angeles.
const NOW = at('2026-12-01T10:00:00Z');

function facts(severity: Severity, level: number, dueAt: Date, step = 0): EscalationFacts {
  // Reached the level one SLA before it is due (as the ladder sets it inside working hours).
  const levelSince = new Date(dueAt.getTime() - SLAS[severity]);
  return { ref: 'ES-1', severity, state: 'open', level, levelSince, dueAt, step };
}

describe('opening an escalation', () => {
  it.each(SEVERITIES)('%s goes to level 1, due one SLA later', (severity) => {
    const arrival = openEscalation(severity, ctx(), NOW);
    expect(arrival.level).toBe(1);
    expect(arrival.deliveries).toEqual([{ userId: 'U1', deliverAt: NOW }]);
    expect(arrival.dueAt).toEqual(new Date(NOW.getTime() + SLAS[severity]));
  });

  it('outside working hours a non-critical one is delivered, and its SLA starts, next morning', () => {
    const night = at('2026-12-01T22:00:00Z');
    const arrival = openEscalation('high', ctx(), night);
    expect(arrival.deliveries).toEqual([{ userId: 'U1', deliverAt: at('2026-12-02T09:00:00Z') }]);
    expect(arrival.dueAt).toEqual(at('2026-12-02T13:00:00Z'));
  });

  it('a critical one ignores working hours', () => {
    const night = at('2026-12-01T22:00:00Z');
    const arrival = openEscalation('critical', ctx(), night);
    expect(arrival.deliveries).toEqual([{ userId: 'U1', deliverAt: night }]);
    expect(arrival.dueAt).toEqual(at('2026-12-01T23:00:00Z'));
  });

  it('a path naming nobody goes to the sponsors', () => {
    const empty = ctx({ path: { level1: [], level2: [], level3: [] } });
    expect(rungsOf(empty.path, empty.sponsorIds)).toEqual([{ level: 1, userIds: ['S1', 'S2'] }]);
    expect(openEscalation('low', empty, NOW).deliveries.map((d) => d.userId)).toEqual(['S1', 'S2']);
  });
});

describe('the ladder', () => {
  for (const severity of SEVERITIES) {
    describe(severity, () => {
      const sla = SLAS[severity];
      it('waits until the SLA runs out at every level', () => {
        for (const level of [1, 2, 3]) {
          const due = new Date(NOW.getTime() + sla);
          const utc = ctx({ zoneOf: () => 'UTC' });
          const step = climb(facts(severity, level, due), utc, new Date(due.getTime() - 1));
          expect(step).toEqual({ kind: 'waits', dueAt: due });
        }
      });

      it('moves 1 -> 2 -> 3 when not acknowledged, each move recorded with its due moment', () => {
        const critical = severity === 'critical';
        const due1 = new Date(NOW.getTime() + sla);
        const to2 = climb(facts(severity, 1, due1), ctx(), due1);
        expect(to2.kind).toBe('moves');
        if (to2.kind !== 'moves') return;
        expect([to2.from, to2.to, to2.repeat, to2.step]).toEqual([1, 2, false, 1]);
        expect(to2.arrival.deliveries.map((d) => d.userId)).toEqual(['U2']);
        // Level 2 is in Los Angeles: only critical reaches it outside its working hours.
        const la9 = nextLaMorning(due1);
        const start2 = critical ? due1 : la9;
        expect(to2.arrival.deliveries[0]?.deliverAt).toEqual(start2);
        expect(to2.arrival.dueAt).toEqual(new Date(start2.getTime() + sla));
        expect(to2.record.kind).toBe('escalation.escalated');
        expect(to2.record.summary).toContain(`from level 1 to level 2`);
        expect(to2.record.summary).toContain(`${severity} SLA`);
        expect(to2.record.details).toMatchObject({ from: 1, to: 2, recipients: ['U2'], step: 1 });

        const due2 = to2.arrival.dueAt;
        const to3 = climb(facts(severity, 2, due2, 1), ctx(), due2);
        expect(to3.kind).toBe('moves');
        if (to3.kind !== 'moves') return;
        expect([to3.from, to3.to, to3.repeat, to3.step]).toEqual([2, 3, false, 2]);
        expect(to3.arrival.deliveries.map((d) => d.userId)).toEqual(['U3']);
      });

      it('after the last level repeats to it and tells the sponsors', () => {
        const due = at('2026-12-01T11:00:00Z');
        const anyTime = ctx({ workingHours: 'off' });
        const again = climb(facts(severity, 3, due, 2), anyTime, due);
        expect(again.kind).toBe('moves');
        if (again.kind !== 'moves') return;
        expect([again.from, again.to, again.repeat, again.step]).toEqual([3, 3, true, 3]);
        expect(again.arrival.deliveries.map((d) => d.userId)).toEqual(['U3', 'S1', 'S2']);
        expect(again.arrival.dueAt).toEqual(new Date(due.getTime() + sla));
        expect(again.record.kind).toBe('escalation.repeated');
        expect(again.record.details).toMatchObject({ sponsors: ['S1', 'S2'], step: 3 });
        // And again, one SLA later.
        const next = climb(
          facts(severity, 3, again.arrival.dueAt, 3),
          anyTime,
          again.arrival.dueAt,
        );
        expect(next.kind === 'moves' && next.repeat && next.step === 4).toBe(true);
      });

      it('acknowledged or resolved, it does not move at any level', () => {
        const long = new Date(NOW.getTime() + 100 * sla);
        for (const level of [1, 2, 3]) {
          for (const state of ['acknowledged', 'resolved'] as const) {
            const step = climb({ ...facts(severity, level, NOW), state }, ctx(), long);
            expect(step).toEqual({ kind: 'stays', reason: state });
          }
        }
      });
    });
  }

  it('waits longer when a zone learned since puts the level outside its working hours', () => {
    // Reached at 10:00 UTC, due at 14:00 as if in UTC; U1 turns out to be in Tokyo (19:00 there).
    const tokyo = ctx({ zoneOf: (u) => (u === 'U1' ? 'Asia/Tokyo' : 'UTC') });
    const stored = facts('high', 1, new Date(NOW.getTime() + SLAS.high));
    const step = climb(stored, tokyo, stored.dueAt);
    // 09:00 Wednesday in Tokyo is 00:00 UTC; four hours on.
    expect(step).toEqual({ kind: 'waits', dueAt: at('2026-12-02T04:00:00Z') });
    // Critical is never held.
    const critical = facts('critical', 1, new Date(NOW.getTime() + SLAS.critical));
    expect(climb(critical, tokyo, critical.dueAt).kind).toBe('moves');
  });

  it('run long after several SLAs ran out, moves one level, gives it a full SLA and records the missed moment', () => {
    const late = new Date(NOW.getTime() + 5 * H);
    const step = climb(facts('critical', 1, NOW), ctx(), late);
    expect(step.kind === 'moves' && [step.from, step.to, step.step]).toEqual([1, 2, 1]);
    if (step.kind !== 'moves') return;
    expect(step.arrival.dueAt).toEqual(new Date(late.getTime() + 1 * H));
    expect(step.record.details).toMatchObject({ missedDueAt: NOW.toISOString() });
  });

  it('records the SLA as set, whatever its size (90s, 30m, 4h, 3d), never rounded to 0h', () => {
    expect([90_000, 30 * 60_000, 4 * H, 72 * H, 90 * 60_000].map(slaText)).toEqual([
      '90s',
      '30m',
      '4h',
      '3d',
      '90m',
    ]);
    const fast = ctx({ slas: { ...SLAS, critical: 90_000 } });
    const step = climb(facts('critical', 1, NOW), fast, NOW);
    expect(step.kind === 'moves' && step.record.summary).toContain('critical SLA (90s)');
  });

  it('skips a level that names nobody', () => {
    const gap = ctx({ path: { level1: ['U1'], level2: [], level3: ['U3'] } });
    const step = climb(facts('critical', 1, NOW), gap, NOW);
    expect(step.kind === 'moves' && [step.to, step.repeat]).toEqual([3, false]);
  });

  it('with only level 1, its first miss repeats to level 1 and the sponsors', () => {
    const one = ctx({
      path: { level1: ['U1', 'S1'], level2: [], level3: [] },
      workingHours: 'off',
    });
    const step = climb(facts('high', 1, NOW), one, NOW);
    expect(step.kind === 'moves' && step.repeat).toBe(true);
    if (step.kind === 'moves')
      expect(step.arrival.deliveries.map((d) => d.userId)).toEqual(['U1', 'S1', 'S2']);
  });
});

/** The next 09:00 in Los Angeles (UTC-8 in December) at or after `at`, on a weekday. */
function nextLaMorning(from: Date): Date {
  const nineLa = (day: Date) =>
    new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 17, 0, 0, 0));
  const local = new Date(from.getTime() - 8 * H);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  let day = local;
  if (minute >= 18 * 60) day = new Date(local.getTime() + 24 * H);
  else if (minute >= 9 * 60) return from;
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day = new Date(day.getTime() + 24 * H);
  return nineLa(day);
}

describe('acknowledging and resolving', () => {
  const exec = { userId: 'U1', roles: ['executive'] as const };
  it('someone the escalation reached, with a governing role, may', () => {
    const acted = actOnEscalation({ ref: 'ES-1', state: 'open' }, 'acknowledge', exec, ['U1']);
    expect(acted).toEqual({
      ok: true,
      value: {
        to: 'acknowledged',
        kind: 'escalation.acknowledged',
        summary: 'Escalation ES-1 acknowledged.',
      },
    });
    const resolved = actOnEscalation({ ref: 'ES-1', state: 'acknowledged' }, 'resolve', exec, [
      'U1',
    ]);
    expect(resolved.ok && resolved.value.to).toBe('resolved');
  });

  it('its raiser, though on the path, may not acknowledge it, but may resolve it', () => {
    const mine = { ref: 'ES-1', state: 'open', raisedBy: 'U1' } as const;
    const ack = actOnEscalation(mine, 'acknowledge', exec, ['U1']);
    expect(!ack.ok && ack.refusal.code).toBe('separation_of_duties');
    expect(actOnEscalation(mine, 'resolve', exec, ['U1']).ok).toBe(true);
  });

  it('someone off the path is refused', () => {
    const refused = actOnEscalation({ ref: 'ES-1', state: 'open' }, 'acknowledge', exec, ['U2']);
    expect(!refused.ok && refused.refusal.message).toContain('not on the escalation path');
  });

  it('a partner on the path is refused', () => {
    const partner = { userId: 'U1', roles: ['partner'] as const };
    const refused = actOnEscalation({ ref: 'ES-1', state: 'open' }, 'resolve', partner, ['U1']);
    expect(!refused.ok && refused.refusal.code).toBe('forbidden_role');
  });

  it('a resolved one is final; acknowledging twice is refused', () => {
    expect(actOnEscalation({ ref: 'ES-1', state: 'resolved' }, 'resolve', exec, ['U1']).ok).toBe(
      false,
    );
    expect(
      actOnEscalation({ ref: 'ES-1', state: 'acknowledged' }, 'acknowledge', exec, ['U1']).ok,
    ).toBe(false);
  });
});

describe('the escalation form', () => {
  it('names every missing field', () => {
    const r = validateEscalation({ needed: ' ', byWhen: '2026-11-01' }, '2026-12-01');
    expect(!r.ok && Object.keys(r.refusal.fieldErrors ?? {}).sort()).toEqual([
      'byWhen',
      'category',
      'needed',
      'severity',
    ]);
  });
  it('accepts a complete one', () => {
    const r = validateEscalation(
      {
        category: 'timeline',
        severity: 'high',
        needed: 'A decision on the launch date',
        byWhen: '2026-12-03',
      },
      '2026-12-01',
    );
    expect(r.ok && r.value).toEqual({
      category: 'timeline',
      severity: 'high',
      needed: 'A decision on the launch date',
      byWhen: '2026-12-03',
    });
  });
});
