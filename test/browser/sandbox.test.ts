import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDecisionRecords } from '../../src/db/decision-record-repository.js';
import { verifyChain } from '../../src/domain/decision-record.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/sandbox.js';
import { createEngagement, seedBasics } from '../../src/sandbox/workspace-demo.js';
import { PERSON, SANDBOX_TEAM } from '../../src/sandbox/workspace-people.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { launchChromium } from './browser.js';

// The sandbox used as a person would: Debian's Chromium on the page, clicking and typing,
// switching people; the unchanged bot behind it on real PostgreSQL.
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

let database: TestDatabase;
let sandbox: Sandbox;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;

beforeAll(async () => {
  database = await createTestDatabase();
  const [started, launched] = await Promise.all([
    startSandbox({ databaseUrl: database.url }),
    launchChromium(),
  ]);
  sandbox = started;
  browser = launched;
  await seedBasics({ actor: sandbox.actor, db: sandbox.app.db });
  await mkdir(SCREENSHOTS, { recursive: true });
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${sandbox.url}/?as=${PERSON.oscar.id}`);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  await database?.drop();
});

const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

async function be(person: { id: string; realName: string }) {
  await page.getByLabel('You are').selectOption(person.id);
  await page.getByRole('button', { name: 'general', exact: true }).waitFor();
}

async function open(conversation: string) {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: conversation, exact: true })
    .click();
  await page.getByRole('heading', { name: conversation, exact: true }).waitFor();
}

/** Types into the composer and presses Enter, as a person sends a message or a command. */
async function send(text: string) {
  const composer = page.getByLabel('Message', { exact: true });
  await composer.fill(text);
  await composer.press('Enter');
  for (let i = 0; (await composer.inputValue()) !== ''; i += 1) {
    if (i > 200) throw new Error(`the composer kept "${await composer.inputValue()}"`);
    await page.waitForTimeout(25);
  }
}

function modal(title: string): Locator {
  return page.getByRole('dialog', { name: title });
}

async function submit(dialog: Locator) {
  await dialog.locator('button[type="submit"]').click();
  await dialog.waitFor({ state: 'detached' });
}

function engagement(slug: string) {
  return sandbox.app.db
    .selectFrom('engagement')
    .selectAll()
    .where('team_id', '=', SANDBOX_TEAM.id)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

async function stageOf(slug: string, wanted: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const e = await engagement(slug);
    if (e?.stage === wanted) return e;
    if (Date.now() > deadline) throw new Error(`${slug} is ${e?.stage}, not ${wanted}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// A person's pace through many screens: generous per test, while every wait is for a condition.
const BROWSER_TEST_MS = 90_000;

describe('the sandbox in a browser', () => {
  it(
    'shows a modal inline error on its field and keeps what was typed',
    async () => {
      await send('/amos new');
      const dialog = modal('New engagement');
      await dialog.getByLabel('Name', { exact: true }).fill('Acme Q3 lifecycle');
      await dialog.getByLabel('Short name (slug)').fill('Acme Q3!');
      await dialog.getByLabel('Client', { exact: true }).fill('Acme');
      await dialog.getByLabel('Executive sponsors').selectOption([PERSON.erin.id, PERSON.evan.id]);
      await dialog.getByLabel('Partner organisation').selectOption({ label: 'Northwind Agency' });
      await dialog.getByLabel('New private partner channel').fill('acme-q3-partners');
      await dialog.getByLabel('Level 1').selectOption([PERSON.erin.id]);
      await dialog.getByLabel('Approvals required (N of the sponsors)').fill('2');
      await dialog.locator('button[type="submit"]').click();

      const slugField = dialog.locator('[data-block-id="engagement_slug"]');
      await slugField.getByRole('alert').waitFor();
      expect(await slugField.getByRole('alert').textContent()).toMatch(/lower-case letters/);
      expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe(
        'Acme Q3 lifecycle',
      );
      expect(await dialog.getByLabel('Short name (slug)').inputValue()).toBe('Acme Q3!');
      await shot('modal-validation-error');

      await dialog.getByLabel('Short name (slug)').fill('acme-q3');
      await submit(dialog);
      const created = await stageOf('acme-q3', 'draft');
      expect(created.name).toBe('Acme Q3 lifecycle');
    },
    BROWSER_TEST_MS,
  );

  it(
    'walks from /amos new to an active engagement and the partner acknowledging the charter',
    async () => {
      await page.getByRole('button', { name: 'acme-q3-partners' }).waitFor();
      await open('acme-q3-partners');
      await shot('partner-channel-before-activation');

      // System Entry by the operator, from the channel's composer.
      await open('general');
      await send('/amos diagnostic acme-q3');
      const dx = modal('Diagnostic');
      await dx.getByLabel('Ranked priorities').fill('1. Retention\n2. Activation');
      await dx.getByLabel('Scores per dimension').fill('retention: 42\nactivation: 61');
      await dx.getByLabel('Key findings').fill('Churn concentrates in month two.');
      await dx.getByLabel('Recommended scope').fill('Lifecycle email program');
      await submit(dx);
      await stageOf('acme-q3', 'diagnostic_submitted');

      // Output Review by an executive.
      await be(PERSON.erin);
      await send('/amos review acme-q3 confirm Priorities agreed');
      await stageOf('acme-q3', 'outputs_reviewed');

      // Execution requirements by the operator, then submitted for approval.
      await be(PERSON.oscar);
      await send('/amos scope acme-q3 add');
      const item = page.getByRole('dialog');
      await item.getByLabel('Title').fill('Lifecycle email program');
      await item.getByLabel('Acceptance criteria').fill('Open rate above 35%\nQA signed off');
      await item.getByLabel('Due date').fill('2027-03-15');
      await submit(item);
      await send('/amos scope acme-q3 stage');
      const checkpoint = page.getByRole('dialog');
      await checkpoint.getByLabel('Checkpoint').fill('Mid-point review');
      await checkpoint.getByLabel('Date', { exact: true }).fill('2027-02-01');
      await submit(checkpoint);
      await send('/amos scope acme-q3 submit');

      // Execution Approval: each sponsor clicks Approve in their DM; the DM changes in place.
      await be(PERSON.erin);
      await open('AMOS');
      const request = page.locator('article', {
        has: page.getByRole('button', { name: 'Approve' }),
      });
      await request.first().waitFor();
      const before = await page.locator('.messages article').count();
      await request.first().getByRole('button', { name: 'Approve' }).click();
      await page
        .locator('.messages')
        .getByText(/1 of 2/)
        .first()
        .waitFor();
      expect(await page.locator('.messages article').count()).toBe(before);
      await shot('approval-dm-updated-in-place');
      await be(PERSON.evan);
      await open('AMOS');
      await page.getByRole('button', { name: 'Approve' }).first().click();
      await stageOf('acme-q3', 'execution_approved');

      // Partner Activation by an executive; the partner sees the channel and acknowledges.
      await send('/amos activate acme-q3');
      const active = await stageOf('acme-q3', 'active');
      await be(PERSON.pat);
      await page.getByRole('button', { name: 'acme-q3-partners' }).waitFor();
      await open('acme-q3-partners');
      await page.getByRole('button', { name: 'I acknowledge the charter' }).click();
      await page.locator('.messages').getByText('nobody yet').waitFor({ state: 'detached' });
      await shot('partner-channel-after-activation');

      const ack = await sandbox.app.db.selectFrom('charter_ack').selectAll().executeTakeFirst();
      expect(ack?.user_id).toBe(PERSON.pat.id);
      const records = await listDecisionRecords(sandbox.app.db, SANDBOX_TEAM.id, active.id);
      expect(records.at(0)?.kind).toBe('engagement.created');
      expect(records.at(-1)?.kind).toBe('charter.acknowledged');
      expect(verifyChain(records)).toEqual({ ok: true, count: records.length });
      expect(sandbox.fake.violations).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows App Home, published by the bot when the person opens it',
    async () => {
      await be(PERSON.oscar);
      await open('AMOS Home');
      await page
        .locator('.home')
        .getByText(/acme-q3|ACME-Q3|Acme Q3/)
        .first()
        .waitFor();
      await shot('app-home');
    },
    BROWSER_TEST_MS,
  );

  it(
    'tells a partner added to a gated channel that they were removed',
    async () => {
      await createEngagement(
        { actor: sandbox.actor, db: sandbox.app.db },
        { name: 'Globex launch', slug: 'globex', client: 'Globex' },
      );
      await page.getByRole('button', { name: 'globex-partners' }).waitFor();
      await open('globex-partners');
      await page.getByLabel('Add someone to this channel').selectOption(PERSON.quinn.id);
      await page.getByRole('button', { name: 'Add', exact: true }).click();

      await be(PERSON.quinn);
      await page.getByRole('status').getByText('You were removed from #globex-partners').waitFor();
      expect(await page.getByRole('navigation').getByText('globex-partners').count()).toBe(0);
      await open('AMOS');
      await page
        .locator('.messages')
        .getByText(/You were removed from/)
        .waitFor();
      const channel = sandbox.fake.channel(
        SANDBOX_TEAM.id,
        (await engagement('globex'))!.partner_channel_id!,
      );
      expect(channel?.members).not.toContain(PERSON.quinn.id);
    },
    BROWSER_TEST_MS,
  );
});
