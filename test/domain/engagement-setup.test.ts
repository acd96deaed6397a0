import { describe, expect, it } from 'vitest';
import {
  checkEngagementPeople,
  checkNewEngagement,
  type NewEngagementSpec,
  slugProblem,
} from '../../src/domain/engagement-setup.js';
import type { Role } from '../../src/domain/roles.js';

const spec = (overrides: Partial<NewEngagementSpec> = {}): NewEngagementSpec => ({
  name: 'Acme Q3 lifecycle',
  slug: 'acme-q3',
  client: 'Acme',
  sponsorIds: ['U_EXEC1', 'U_EXEC2'],
  operatorId: 'U_OPER',
  channel: { kind: 'create', name: 'acme-q3-partners' },
  escalationPath: { level1: ['U_EXEC1'], level2: [], level3: [] },
  requiredApprovals: 2,
  ...overrides,
});

const fieldErrors = (s: NewEngagementSpec) => {
  const result = checkNewEngagement(s);
  return result.ok ? {} : (result.refusal.fieldErrors ?? {});
};

describe('checkNewEngagement', () => {
  it('accepts a complete engagement', () => {
    expect(checkNewEngagement(spec())).toEqual({ ok: true, value: undefined });
  });

  it.each([
    ['a', true],
    ['ab', false],
    ['acme-q3', false],
    ['-acme', true],
    ['Acme', true],
    ['acme q3', true],
    ['a'.repeat(39), false],
    ['a'.repeat(40), true],
  ])('slug %j is refused: %s', (slug, refused) => {
    expect(slugProblem(slug) !== undefined).toBe(refused);
  });

  it('names every bad field at once, keyed for inline errors', () => {
    const errors = fieldErrors(
      spec({
        name: ' ',
        slug: 'Bad Slug',
        client: '',
        channel: { kind: 'create', name: 'Has Spaces' },
        escalationPath: { level1: [], level2: ['U_X'], level3: [] },
      }),
    );
    expect(Object.keys(errors).sort()).toEqual([
      'channelName',
      'client',
      'escalation1',
      'name',
      'slug',
    ]);
    expect(errors.escalation1).toContain('level 1');
  });

  it('keeps N of M within the sponsors', () => {
    expect(fieldErrors(spec({ requiredApprovals: 3 })).requiredApprovals).toContain('(2)');
    expect(fieldErrors(spec({ requiredApprovals: 0 })).requiredApprovals).toContain('at least 1');
    expect(fieldErrors(spec({ requiredApprovals: 1.5 })).requiredApprovals).toBeDefined();
    expect(fieldErrors(spec({ requiredApprovals: 1 }))).toEqual({});
  });

  it('asks for a sponsor rather than blaming the approvals when there is none', () => {
    const errors = fieldErrors(spec({ sponsorIds: [], requiredApprovals: 1 }));
    expect(errors.sponsors).toBe('Pick at least one executive sponsor.');
    expect(errors.requiredApprovals).toBeUndefined();
  });

  it('does not check a linked channel name', () => {
    expect(fieldErrors(spec({ channel: { kind: 'link', channelId: 'C123' } }))).toEqual({});
  });
});

describe('checkEngagementPeople', () => {
  const roles: Record<string, Role[]> = {
    U_EXEC1: ['executive'],
    U_ADMIN: ['admin'],
    U_OPER: ['operator'],
    U_PARTNER: ['partner'],
  };
  const rolesOf = (id: string) => roles[id] ?? [];

  it('accepts executives or admins as sponsors and an operator', () => {
    const result = checkEngagementPeople(
      { sponsorIds: ['U_EXEC1', 'U_ADMIN'], operatorId: 'U_OPER' },
      rolesOf,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses sponsors who cannot approve and an operator without the role', () => {
    const result = checkEngagementPeople(
      { sponsorIds: ['U_EXEC1', 'U_PARTNER', 'U_NOBODY'], operatorId: 'U_EXEC1' },
      rolesOf,
    );
    expect(result.ok).toBe(false);
    const errors = result.ok ? {} : (result.refusal.fieldErrors ?? {});
    expect(errors.sponsors).toContain('2 of the sponsors you picked are not AMOS executives');
    expect(errors.sponsors).toContain('/amos role grant @user executive');
    expect(errors.operator).toContain('/amos role grant @user operator');
  });

  it('says so plainly when the only sponsor is not an executive', () => {
    const result = checkEngagementPeople({ sponsorIds: ['U_OPER'], operatorId: 'U_OPER' }, rolesOf);
    expect(result.ok ? '' : result.refusal.fieldErrors?.sponsors).toContain(
      'The sponsor you picked is not an AMOS executive.',
    );
  });
});
