import { describe, expect, it } from 'vitest';
import { moveRisk, opensEscalation, SEVERITIES, validateRisk } from '../../src/domain/risk.js';

const risk = { ref: 'RK-1', state: 'open' as const, raisedBy: 'UP', ownerId: 'UO' };
const operator = { userId: 'UO', roles: ['operator'] as const };
const exec = { userId: 'UE', roles: ['executive'] as const };
const partner = { userId: 'UP', roles: ['partner'] as const };

describe('risks', () => {
  it('high and critical open an escalation, low and medium do not', () => {
    expect(SEVERITIES.map((s) => [s, opensEscalation(s)])).toEqual([
      ['low', false],
      ['medium', false],
      ['high', true],
      ['critical', true],
    ]);
  });

  it('the form names each problem', () => {
    const r = validateRisk({ title: '', description: '', messageLink: 'javascript:x' });
    expect(!r.ok && Object.keys(r.refusal.fieldErrors ?? {}).sort()).toEqual([
      'category',
      'description',
      'severity',
      'title',
    ]);
  });

  it('moves open -> acknowledged -> mitigated -> closed, by the owner or an executive', () => {
    const a = moveRisk(risk, 'ack', operator);
    expect(a.ok && a.value).toMatchObject({
      from: 'open',
      to: 'acknowledged',
      kind: 'risk.acknowledged',
    });
    const m = moveRisk({ ...risk, state: 'acknowledged' }, 'mitigated', exec);
    expect(m.ok && m.value.to).toBe('mitigated');
    const c = moveRisk({ ...risk, state: 'mitigated' }, 'closed', operator);
    expect(c.ok && c.value.to).toBe('closed');
  });

  it('refuses a partner, a stranger operator and a move backwards', () => {
    expect(moveRisk(risk, 'ack', partner).ok).toBe(false);
    expect(moveRisk(risk, 'ack', { userId: 'UX', roles: ['operator'] }).ok).toBe(false);
    expect(moveRisk({ ...risk, state: 'mitigated' }, 'ack', exec).ok).toBe(false);
    expect(moveRisk({ ...risk, state: 'closed' }, 'closed', exec).ok).toBe(false);
  });
});
