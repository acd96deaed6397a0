import { describe, expect, it } from 'vitest';
import { type DigestEngagementFacts, weeklyDigest } from '../../src/domain/digest.js';
import { checkMessage } from '../../src/sandbox/block-kit-limits.js';
import { DIGEST_ENGAGEMENTS_MAX, weeklyDigestMessage } from '../../src/slack/blocks/digest.js';

const NOW = new Date('2026-12-07T17:00:00Z');

function facts(n: number, o: Partial<DigestEngagementFacts> = {}): DigestEngagementFacts {
  return {
    id: `e-${n}`,
    slug: `eng-${String(n).padStart(3, '0')}`,
    name: `Engagement ${n}`,
    stage: 'active',
    stageSince: new Date('2026-12-01T00:00:00Z'),
    dueItems: [],
    pendingApprovals: [],
    head: { seq: n, hash: String(n % 10).repeat(64) },
    ...o,
  };
}

const render = (engagements: DigestEngagementFacts[]) =>
  weeklyDigestMessage(
    weeklyDigest({ teamId: 'T1', executiveId: 'U_EXEC', now: NOW, timeZone: 'UTC', engagements }),
  );

const allText = (m: ReturnType<typeof render>) => JSON.stringify(m.blocks);

describe('weeklyDigestMessage', () => {
  it('shows each engagement with its stage, what waits, what is overdue and its full record head', () => {
    const message = render([
      facts(7, {
        slug: 'acme-q3',
        pendingApprovals: [
          {
            ref: 'EX-1',
            subject: 'execution_requirements',
            requestedAt: new Date('2026-12-05T10:00:00Z'),
            requesterIds: ['U_OPER'],
            voterIds: [],
          },
        ],
        dueItems: [{ ref: 'SC-2', title: 'Landing pages', dueDate: '2026-12-03' }],
      }),
    ]);
    expect(checkMessage(message)).toEqual([]);
    const text = allText(message);
    expect(text).toContain('*ACME-Q3*');
    expect(text).toContain('*active* for 6 days');
    expect(text).toContain('EX-1 execution requirements');
    expect(text).toContain('`/amos approve EX-1`');
    expect(text).toContain('SC-2 Landing pages, due 3 Dec 2026');
    expect(text).toContain(`Decision record head: seq 7 · hash \`${'7'.repeat(64)}\``);
    expect(message.text).toContain(
      '1 engagement in progress · 1 request waits on you · 1 item overdue.',
    );
  });

  it('escapes typed names and titles so they cannot mention, broadcast or link', () => {
    const message = render([
      facts(1, {
        name: '<!channel> & <@U123>',
        dueItems: [{ ref: 'SC-1', title: '<https://evil.example|click>', dueDate: '2026-12-01' }],
      }),
    ]);
    const text = allText(message);
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U123>');
    expect(text).not.toContain('<https://evil');
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;@U123&gt;');
  });

  it('stays inside Slack limits with many engagements, long lists and long text', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      facts(i, {
        name: 'N'.repeat(500),
        dueItems: Array.from({ length: 12 }, (_, j) => ({
          ref: `SC-${j}`,
          title: 'T'.repeat(400),
          dueDate: '2026-11-01',
        })),
      }),
    );
    const message = render(many);
    expect(checkMessage(message)).toEqual([]);
    const shown = message.blocks.filter((b) => b.type === 'section').length - 1;
    expect(shown).toBe(DIGEST_ENGAGEMENTS_MAX);
    expect(allText(message)).toContain('…and 40 more');
    expect(allText(message)).toContain('…and 7 more');
  });

  it('says so when nothing is in progress', () => {
    const message = render([]);
    expect(message.text).toContain('You have no engagements in progress.');
    expect(checkMessage(message)).toEqual([]);
  });
});
