import { engagementLabel } from '../../domain/engagement.js';
import { FIT_VERDICT_LABELS } from '../../domain/fit.js';
import type { PartnerAssignment } from '../../services/engagement-service.js';
import { esc, type Rendered, section } from './text.js';

/** Confirms `/amos partner assign`, with the organisation's fit verdict and what activation still needs. */
export function partnerAssignedMessage(assignment: PartnerAssignment): Rendered {
  const { engagement, org, previousOrg, latestVerdict, changed } = assignment;
  const name = engagementLabel(engagement.slug);
  let what: string;
  if (!changed)
    what = `*${esc(org.name)}* was already the partner organisation of ${name}; nothing changed.`;
  else if (previousOrg)
    what = `The partner organisation of ${name} is now *${esc(org.name)}* (was ${esc(previousOrg.name)}). Recorded in the decision record.`;
  else
    what = `*${esc(org.name)}* is now the partner organisation of ${name}. Recorded in the decision record.`;
  const verdict = latestVerdict
    ? `Latest fit verdict for ${esc(org.name)}: *${FIT_VERDICT_LABELS[latestVerdict]}*.`
    : `${esc(org.name)} has no fit verdict yet.`;
  const next =
    latestVerdict === 'fit'
      ? `Activation can use it (\`/amos status ${engagement.slug}\` shows what else it needs).`
      : `Activation needs a *fit* verdict: an executive assesses it with \`/amos fit ${esc(org.name)}\`.`;
  const text = [what, `${verdict} ${next}`].join('\n');
  return { text, blocks: [section(text)] };
}
