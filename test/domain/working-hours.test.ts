import { describe, expect, it } from 'vitest';
import {
  deliveryMoment,
  endOfDueDate,
  knownTimeZone,
  nextWeeklyMoment,
  nextWorkingMoment,
  type WorkingHours,
} from '../../src/domain/working-hours.js';

// 2026-12-01 is a Tuesday; 2026-12-05 a Saturday. US DST starts 2027-03-14 (a Sunday).
const NINE_TO_SIX: WorkingHours = { startMinute: 9 * 60, endMinute: 18 * 60 };
const at = (iso: string) => new Date(iso);
const LA = 'America/Los_Angeles';

describe('nextWorkingMoment', () => {
  it.each([
    [
      '03:00 Tuesday in Los Angeles waits for 09:00 that day',
      '2026-12-01T11:00:00Z',
      LA,
      '2026-12-01T17:00:00.000Z',
    ],
    [
      '10:00 Tuesday in Los Angeles goes at once',
      '2026-12-01T18:00:00Z',
      LA,
      '2026-12-01T18:00:00.000Z',
    ],
    ['09:00 sharp goes at once', '2026-12-01T17:00:00Z', LA, '2026-12-01T17:00:00.000Z'],
    [
      '18:00 sharp waits for the next morning',
      '2026-12-02T02:00:00Z',
      LA,
      '2026-12-02T17:00:00.000Z',
    ],
    ['17:59 goes at once', '2026-12-02T01:59:00Z', LA, '2026-12-02T01:59:00.000Z'],
    [
      'Saturday noon in London waits for Monday 09:00',
      '2026-12-05T12:00:00Z',
      'Europe/London',
      '2026-12-07T09:00:00.000Z',
    ],
    [
      'Sunday 08:00 waits for Monday 09:00',
      '2026-12-06T08:00:00Z',
      'UTC',
      '2026-12-07T09:00:00.000Z',
    ],
    [
      'Friday 19:00 waits for Monday 09:00',
      '2026-12-04T19:00:00Z',
      'UTC',
      '2026-12-07T09:00:00.000Z',
    ],
    // Saturday 16:00 UTC is already Sunday in Tokyo; Monday 09:00 JST is Monday 00:00 UTC.
    [
      "the weekend is the recipient's, not UTC's",
      '2026-12-05T16:00:00Z',
      'Asia/Tokyo',
      '2026-12-07T00:00:00.000Z',
    ],
    [
      'a half-hour zone: 07:30 in Kolkata waits for 09:00 IST',
      '2026-12-01T02:00:00Z',
      'Asia/Kolkata',
      '2026-12-01T03:30:00.000Z',
    ],
    // Saturday before the DST change is PST (-8); the Monday after is PDT (-7).
    [
      'across a DST change: Monday 09:00 PDT',
      '2027-03-13T20:00:00Z',
      LA,
      '2027-03-15T16:00:00.000Z',
    ],
    [
      'an unknown zone falls back to UTC',
      '2026-12-01T03:00:00Z',
      'Mars/Olympus',
      '2026-12-01T09:00:00.000Z',
    ],
  ])('%s', (_name, due, zone, expected) => {
    expect(nextWorkingMoment(at(due), zone, NINE_TO_SIX).toISOString()).toBe(expected);
  });

  it('sends at once when working hours are off, weekend or night', () => {
    for (const due of ['2026-12-05T12:00:00Z', '2026-12-01T11:00:00Z']) {
      expect(nextWorkingMoment(at(due), LA, 'off')).toEqual(at(due));
    }
  });

  it('takes hours that end at midnight', () => {
    const late: WorkingHours = { startMinute: 8 * 60, endMinute: 24 * 60 };
    expect(nextWorkingMoment(at('2026-12-01T23:30:00Z'), 'UTC', late)).toEqual(
      at('2026-12-01T23:30:00Z'),
    );
    expect(nextWorkingMoment(at('2026-12-02T07:00:00Z'), 'UTC', late)).toEqual(
      at('2026-12-02T08:00:00Z'),
    );
  });

  it('is never before the due moment and always inside the hours of a weekday', () => {
    const zones = [LA, 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Auckland'];
    const formats = zones.map(
      (zone) =>
        new Intl.DateTimeFormat('en-GB', {
          timeZone: zone,
          weekday: 'short',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }),
    );
    for (let hour = 0; hour < 24 * 9; hour += 2) {
      const due = new Date(Date.UTC(2026, 11, 1, hour, 17));
      for (const [i, zone] of zones.entries()) {
        const sent = nextWorkingMoment(due, zone, NINE_TO_SIX);
        expect(sent.getTime()).toBeGreaterThanOrEqual(due.getTime());
        const parts = formats[i]!.formatToParts(sent);
        const get = (type: string) => parts.find((p) => p.type === type)?.value;
        expect(['Sat', 'Sun']).not.toContain(get('weekday'));
        const minute = Number(get('hour')) * 60 + Number(get('minute'));
        expect(minute).toBeGreaterThanOrEqual(9 * 60);
        expect(minute).toBeLessThan(18 * 60);
        // Never later than needed: the same moment, or a start of the working day.
        if (sent.getTime() !== due.getTime()) expect(minute).toBe(9 * 60);
      }
    }
  });
});

describe('deliveryMoment', () => {
  it('sends critical messages at once and defers the rest', () => {
    const due = at('2026-12-05T11:00:00Z'); // Saturday 03:00 in Los Angeles
    expect(deliveryMoment(due, { timeZone: LA, critical: true }, NINE_TO_SIX)).toEqual(due);
    expect(deliveryMoment(due, { timeZone: LA, critical: false }, NINE_TO_SIX)).toEqual(
      at('2026-12-07T17:00:00Z'),
    );
  });
});

describe('nextWeeklyMoment', () => {
  const monday9 = { weekday: 1, minute: 9 * 60 };
  it('is the next Monday 09:00 in the zone, strictly after now', () => {
    expect(nextWeeklyMoment(at('2026-12-01T12:00:00Z'), LA, monday9)).toEqual(
      at('2026-12-07T17:00:00Z'),
    );
    expect(nextWeeklyMoment(at('2026-12-07T17:00:00Z'), LA, monday9)).toEqual(
      at('2026-12-14T17:00:00Z'),
    );
    expect(nextWeeklyMoment(at('2026-12-07T16:59:00Z'), LA, monday9)).toEqual(
      at('2026-12-07T17:00:00Z'),
    );
  });
});

describe('endOfDueDate and knownTimeZone', () => {
  it('ends a due date at the next local midnight', () => {
    expect(endOfDueDate('2026-12-15', 'UTC')).toEqual(at('2026-12-16T00:00:00Z'));
    expect(endOfDueDate('2026-12-15', LA)).toEqual(at('2026-12-16T08:00:00Z'));
    expect(endOfDueDate('2026-12-31', 'Asia/Tokyo')).toEqual(at('2026-12-31T15:00:00Z'));
    expect(endOfDueDate('2027-03-13', LA)).toEqual(at('2027-03-14T08:00:00Z'));
    expect(endOfDueDate('2027-03-14', LA)).toEqual(at('2027-03-15T07:00:00Z'));
  });

  it('keeps known zones and falls back to UTC', () => {
    expect(knownTimeZone(LA)).toBe(LA);
    expect(knownTimeZone(undefined)).toBe('UTC');
    expect(knownTimeZone('')).toBe('UTC');
    expect(knownTimeZone('Not/AZone')).toBe('UTC');
  });
});
