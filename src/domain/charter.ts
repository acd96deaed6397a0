/** One titled item of the engagement charter. */
export interface CharterItem {
  readonly title: string;
  readonly description: string;
}

export interface CharterSection {
  readonly key: 'partners_do' | 'partners_do_not' | 'governance_expectations' | 'risk_controls';
  readonly heading: string;
  readonly items: readonly CharterItem[];
}

/** Bumped when the wording changes, so acknowledgments can name the version they accepted. */
export const CHARTER_VERSION = 1;

/** The engagement charter, wording exactly as in the seed's "Partners" page. */
export const CHARTER: readonly CharterSection[] = [
  {
    key: 'partners_do',
    heading: 'Partners Do',
    items: [
      {
        title: 'Execute to Priorities',
        description: 'Execute against priorities set by the Diagnostic and system outputs.',
      },
      {
        title: 'Deliver to Scope',
        description: 'Deliver work within defined scopes, timelines, and acceptance criteria.',
      },
      {
        title: 'Adhere to Standards',
        description: 'Follow documented standards, tooling, and quality requirements.',
      },
      {
        title: 'Surface Risks Early',
        description: 'Surface risks and execution issues early and transparently.',
      },
      {
        title: 'Document Outcomes',
        description: 'Provide clear documentation of work performed and outcomes delivered.',
      },
    ],
  },
  {
    key: 'partners_do_not',
    heading: 'Partners Do Not',
    items: [
      {
        title: 'Redefine Strategy',
        description: 'Redefine strategy, priorities, or success criteria.',
      },
      {
        title: 'Override Outputs',
        description: 'Modify or override diagnostic outputs or scoring logic.',
      },
      {
        title: 'Engage Outside Scope',
        description: 'Engage clients outside defined engagement parameters.',
      },
      {
        title: 'Introduce Workarounds',
        description: 'Introduce undocumented tools, processes, or workarounds.',
      },
      {
        title: 'Claim Ownership',
        description: 'Represent themselves as the system owner or decision authority.',
      },
    ],
  },
  {
    key: 'governance_expectations',
    heading: 'Governance Expectations',
    items: [
      { title: 'Decision Rights', description: 'Defined decision rights and escalation paths.' },
      {
        title: 'Scope and Deliverables',
        description: 'Documented scope, deliverables, and acceptance criteria.',
      },
      { title: 'Quality Review', description: 'Quality assurance and review checkpoints.' },
      {
        title: 'Change Control',
        description: 'Change control for scope, tooling, or process adjustments.',
      },
      {
        title: 'Secure Data Handling',
        description: 'Secure handling of client data, outputs, and documentation.',
      },
      {
        title: 'Standards Alignment',
        description: 'Alignment with agreed-upon operating standards and tools.',
      },
    ],
  },
  {
    key: 'risk_controls',
    heading: 'Core Risk Controls',
    items: [
      { title: 'Scope Gating', description: 'Prevent unapproved expansion or scope drift.' },
      {
        title: 'Acceptance Criteria',
        description: 'Define acceptance criteria before execution begins.',
      },
      {
        title: 'Stage Reviews',
        description: 'Review and approval checkpoints at key delivery stages.',
      },
      {
        title: 'Escalation Paths',
        description: 'Escalation paths for scope, quality, or timeline issues.',
      },
      {
        title: 'Decision Records',
        description: 'Documentation for decisions, changes, and outcomes.',
      },
      {
        title: 'Stop Authority',
        description: 'The ability to pause or terminate work if controls are breached.',
      },
    ],
  },
];

/** The charter as plain text (heading, then "Title: description" lines), for records and fallbacks. */
export function charterPlainText(): string {
  return CHARTER.map(
    (section) =>
      `${section.heading}\n${section.items.map((item) => `- ${item.title}: ${item.description}`).join('\n')}`,
  ).join('\n\n');
}
