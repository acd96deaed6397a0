import { describe, expect, it } from 'vitest';
import { FIT_CRITERIA } from '../../src/domain/fit.js';
import { checkMessage, checkView } from '../../src/sandbox/block-kit-limits.js';
import { fitAssessmentView, fitVerdictMessage } from '../../src/slack/blocks/fit.js';
import { partnerListMessage } from '../../src/slack/blocks/partners.js';
import { roleListMessage } from '../../src/slack/blocks/roles.js';
import { fitErrorBlocks, parseFitAnswers } from '../../src/slack/inputs/fit.js';
import { parseUserMentions, withoutUserMentions } from '../../src/slack/inputs/mentions.js';
import { parsePartnerCommand } from '../../src/slack/inputs/partners.js';
import { parseRoleCommand } from '../../src/slack/inputs/roles.js';

const org = {
  id: '6f1c1a8e-0000-4000-8000-000000000001',
  name: 'N'.repeat(80),
  createdBy: 'U1',
  createdAt: new Date(),
};
const everyAnswer = Object.fromEntries(
  FIT_CRITERIA.map((c) => [c.key, { holds: true, evidence: 'e'.repeat(1000) }]),
);

describe('mention parsing', () => {
  it('reads escaped mentions with and without names, once each, in order', () => {
    const text = 'grant <@U0B|bob> and <@W0C> then <@U0B> executive';
    expect(parseUserMentions(text)).toEqual(['U0B', 'W0C']);
    expect(withoutUserMentions(text)).toBe('grant and then executive');
    expect(parseUserMentions('no one here, not even @bob')).toEqual([]);
  });
});

describe('command text', () => {
  it('parses role and partner commands, and explains what is missing', () => {
    expect(parseRoleCommand('grant <@U0B|bob> Operators')).toEqual({
      action: 'grant',
      userId: 'U0B',
      role: 'operator',
    });
    expect(parseRoleCommand('revoke <@U0B> <@U0C> admin')).toMatchObject({
      action: 'help',
      problem: expect.stringContaining('One person at a time'),
    });
    expect(parsePartnerCommand('add “Northwind Agency” <@U0A> <@U0B|b>')).toEqual({
      action: 'add',
      orgName: 'Northwind Agency',
      userIds: ['U0A', 'U0B'],
    });
    expect(parsePartnerCommand('remove <@U0A>')).toMatchObject({
      action: 'help',
      problem: expect.stringContaining('Name the organisation first'),
    });
    expect(parsePartnerCommand('create')).toMatchObject({ action: 'help' });
  });
});

describe('Block Kit limits', () => {
  it('keeps the fit modal valid even for a long name and full prefilled evidence', () => {
    const latest = {
      id: 'a',
      partnerOrgId: org.id,
      version: 4,
      answers: everyAnswer,
      verdict: 'fit' as const,
      summary: 's',
      assessedBy: 'U1',
      assessedAt: new Date(),
    };
    expect(checkView(fitAssessmentView({ org, latest }))).toEqual([]);
    expect(checkView(fitAssessmentView({ org }))).toEqual([]);
  });

  it('keeps long role and partner lists within message limits', () => {
    const holders = Array.from({ length: 800 }, (_, i) => ({
      userId: `U${String(i).padStart(9, '0')}`,
      granted: ['executive', 'operator'] as const,
      bootstrapAdmin: i === 0,
      installer: false,
      partnerOrgs: ['Some Agency With A Long Name'],
    }));
    const roles = roleListMessage(holders);
    expect(checkMessage(roles)).toEqual([]);
    const orgs = Array.from({ length: 120 }, (_, i) => ({
      ...org,
      id: `org-${i}`,
      memberIds: Array.from({ length: 300 }, (_, j) => `U${j}`),
    }));
    expect(checkMessage(partnerListMessage({ orgs, fullView: true }))).toEqual([]);
    const verdict = fitVerdictMessage({
      org,
      version: 2,
      repeated: false,
      assessment: {
        verdict: 'not_fit',
        summary: 's',
        redFlags: ['process_gaps', 'informal_models'],
        missingSignals: ['operational_rigor'],
      },
    });
    expect(checkMessage(verdict)).toEqual([]);
  });
});

describe('fit view state', () => {
  it('reads answers and places each error on the block that needs attention', () => {
    const values = {
      fit_operational_rigor_holds: { fit_holds: { selected_option: { value: 'yes' } } },
      fit_operational_rigor_evidence: { fit_evidence: { value: null } },
      fit_process_gaps_holds: {
        fit_holds: { type: 'static_select', selected_option: { value: 'no' } },
      },
    };
    const answers = parseFitAnswers(values);
    expect(answers).toEqual({
      operational_rigor: { holds: true, evidence: '' },
      process_gaps: { holds: false, evidence: '' },
    });
    const blocks = fitErrorBlocks(answers);
    expect(blocks.operational_rigor).toBe('fit_operational_rigor_evidence');
    expect(blocks.informal_models).toBe('fit_informal_models_holds');
    expect(parseFitAnswers('nonsense')).toEqual({});
  });
});
