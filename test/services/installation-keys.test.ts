import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { StartupRefusal } from '../../src/config.js';
import { createDb } from '../../src/db/database.js';
import {
  checkInstallationKeys,
  createInstallationStore,
  keyCheckNotice,
} from '../../src/services/installation-service.js';
import { createTokenCipher, keyFingerprint } from '../../src/services/token-cipher.js';
import { ENCRYPTION_KEY, installWorkspace, TEAM } from '../support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const OLD = createTokenCipher(ENCRYPTION_KEY);
const NEW = createTokenCipher(randomBytes(32).toString('hex'));
const teams = ['T0ONE', 'T0TWO', 'T0THREE'].map((id, i) => ({
  ...TEAM,
  id,
  botToken: `xoxb-test-${id}`,
  botUserId: `U0BOT${i}`,
  installedBy: `U0ADMIN${i}`,
}));

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const fingerprints = async () =>
  (
    await database.db
      .selectFrom('workspace')
      .select('installation_key_fingerprint')
      .orderBy('team_id')
      .execute()
  ).map((r) => r.installation_key_fingerprint);

describe('the start-up key check', () => {
  it('never stores the key or its plain hash, only a keyed fingerprint', () => {
    expect(OLD.fingerprint).toBe(keyFingerprint(ENCRYPTION_KEY));
    expect(OLD.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(OLD.fingerprint).not.toBe(NEW.fingerprint);
    expect(ENCRYPTION_KEY).not.toContain(OLD.fingerprint);
  });

  it('rotates once when several instances start together with the new and the previous key', async () => {
    for (const team of teams) await installWorkspace(database.url, team, ENCRYPTION_KEY);
    const pools = [1, 2, 3, 4].map(() => createDb(database.url, { max: 1 }));
    try {
      const results = await Promise.all(
        pools.map((db) => checkInstallationKeys({ db, cipher: NEW, previousCipher: OLD })),
      );
      expect(results.map((r) => r.reencrypted).sort()).toEqual([0, 0, 0, 3]);
      expect(results.filter((r) => r.current === 3)).toHaveLength(3);
    } finally {
      await Promise.all(pools.map((db) => db.destroy()));
    }
    expect(await fingerprints()).toEqual([NEW.fingerprint, NEW.fingerprint, NEW.fingerprint]);
    const store = createInstallationStore({ db: database.db, cipher: NEW, clock: systemClock });
    for (const team of teams) {
      const installation = await store.fetchInstallation({
        teamId: team.id,
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      });
      expect(installation.bot?.token).toBe(team.botToken);
    }
  });

  it('refuses another key and changes nothing', async () => {
    const before = await database.db
      .selectFrom('workspace')
      .selectAll()
      .orderBy('team_id')
      .execute();
    const other = createTokenCipher(randomBytes(32).toString('hex'));
    const check = checkInstallationKeys({ db: database.db, cipher: other, previousCipher: OLD });
    await expect(check).rejects.toThrow(StartupRefusal);
    await expect(check).rejects.toThrow(
      /^neither AMOS_ENCRYPTION_KEY nor AMOS_ENCRYPTION_KEY_PREVIOUS is the key the stored installations of 3 of 3 workspaces were encrypted with \(T0ONE, T0THREE, T0TWO\)/,
    );
    expect(
      await database.db.selectFrom('workspace').selectAll().orderBy('team_id').execute(),
    ).toEqual(before);
  });

  it('works out the key of installations stored before fingerprints were kept', async () => {
    await database.db
      .updateTable('workspace')
      .set({ installation_key_fingerprint: null })
      .where('team_id', '=', 'T0ONE')
      .execute();
    expect(await checkInstallationKeys({ db: database.db, cipher: NEW })).toEqual({
      reencrypted: 0,
      adopted: 1,
      current: 2,
    });
    expect(await fingerprints()).toEqual([NEW.fingerprint, NEW.fingerprint, NEW.fingerprint]);
    await database.db
      .updateTable('workspace')
      .set({ installation_key_fingerprint: null })
      .where('team_id', '=', 'T0ONE')
      .execute();
    await expect(checkInstallationKeys({ db: database.db, cipher: OLD })).rejects.toThrow(
      'stored installations of 3 of 3 workspaces',
    );
  });

  it('reads what an instance still on the previous key stored meanwhile, and names an unknown key', async () => {
    await installWorkspace(
      database.url,
      { ...teams[0]!, botToken: 'xoxb-test-again' },
      ENCRYPTION_KEY,
    );
    const query = { teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false };
    const rotated = createInstallationStore({
      db: database.db,
      cipher: NEW,
      previousCipher: OLD,
      clock: systemClock,
    });
    expect((await rotated.fetchInstallation(query)).bot?.token).toBe('xoxb-test-again');
    const newOnly = createInstallationStore({ db: database.db, cipher: NEW, clock: systemClock });
    await expect(newOnly.fetchInstallation(query)).rejects.toThrow(
      'the installation of workspace T0ONE was encrypted with another AMOS_ENCRYPTION_KEY',
    );
  });

  it('tells the operator what happened and when the previous key may go', () => {
    expect(keyCheckNotice({ reencrypted: 2, adopted: 0, current: 0 }, true)).toBe(
      're-encrypted 2 workspace installation(s) with the new AMOS_ENCRYPTION_KEY: once every instance runs with it, remove AMOS_ENCRYPTION_KEY_PREVIOUS',
    );
    expect(keyCheckNotice({ reencrypted: 0, adopted: 0, current: 2 }, true)).toContain(
      'it may be removed',
    );
    expect(keyCheckNotice({ reencrypted: 0, adopted: 0, current: 2 }, false)).toBeUndefined();
  });
});
