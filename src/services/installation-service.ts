import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../clock.js';
import { StartupRefusal } from '../config.js';
import type { Db } from '../db/database.js';
import {
  findInstallation,
  lockAllInstallations,
  markUninstalled,
  resealInstallation,
  type SealedInstallation,
  saveInstallation,
} from '../db/workspace-repository.js';
import type { TokenCipher } from './token-cipher.js';

const CACHE_MS = 60_000;

/**
 * Bolt's installation store over the workspace table: installations (bot tokens included)
 * are encrypted at rest, and decrypted ones are cached briefly so a request costs no query.
 * Enterprise-wide installs are not supported: AMOS is installed per workspace.
 */
export function createInstallationStore(deps: {
  db: Db;
  cipher: TokenCipher;
  /** AMOS_ENCRYPTION_KEY_PREVIOUS: reads what an instance still on the old key stored. */
  previousCipher?: TokenCipher | undefined;
  clock: Clock;
}): InstallationStore {
  const cache = new Map<string, { installation: Installation; until: number }>();
  const open = (row: SealedInstallation): string => {
    const cipher =
      row.keyFingerprint === null || row.keyFingerprint === deps.cipher.fingerprint
        ? deps.cipher
        : row.keyFingerprint === deps.previousCipher?.fingerprint
          ? deps.previousCipher
          : undefined;
    if (!cipher)
      throw new Error(
        `the installation of workspace ${row.teamId} was encrypted with another AMOS_ENCRYPTION_KEY`,
      );
    return cipher.decrypt(row.sealed);
  };
  return {
    async storeInstallation(installation) {
      const teamId = installation.team?.id;
      if (!teamId || installation.isEnterpriseInstall) {
        throw new Error(
          'AMOS is installed per workspace; organisation-wide installs are not supported',
        );
      }
      await saveInstallation(deps.db, {
        teamId,
        teamName: installation.team?.name ?? null,
        botUserId: installation.bot?.userId ?? null,
        botId: installation.bot?.id ?? null,
        installedBy: installation.user.id,
        installationEncrypted: deps.cipher.encrypt(JSON.stringify(installation)),
        keyFingerprint: deps.cipher.fingerprint,
      });
      cache.delete(teamId);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const teamId = query.teamId;
      if (!teamId) throw new Error('no team id in the request');
      const hit = cache.get(teamId);
      const now = deps.clock.now().getTime();
      if (hit && hit.until > now) return hit.installation;
      const sealed = await findInstallation(deps.db, teamId);
      if (!sealed) throw new Error(`AMOS is not installed in workspace ${teamId}`);
      const installation = JSON.parse(open(sealed)) as Installation;
      cache.set(teamId, { installation, until: now + CACHE_MS });
      return installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      if (!query.teamId) return;
      cache.delete(query.teamId);
      await markUninstalled(deps.db, query.teamId, deps.clock.now());
    },
  };
}

export interface InstallationKeyCheck {
  /** Installations re-encrypted from the previous key to the current one. */
  reencrypted: number;
  /** Installations stored before fingerprints were kept, now marked with the current key. */
  adopted: number;
  /** Installations already on the current key. */
  current: number;
}

function opens(cipher: TokenCipher | undefined, sealed: string): string | undefined {
  try {
    return cipher?.decrypt(sealed);
  } catch {
    return undefined;
  }
}

/**
 * Run on start in OAuth mode, before the app listens: every stored installation must be
 * readable with AMOS_ENCRYPTION_KEY. Those encrypted with AMOS_ENCRYPTION_KEY_PREVIOUS are
 * re-encrypted with the current key, all in one transaction under an advisory lock (several
 * instances starting at once take turns; the later ones find nothing left to do). Any other
 * key refuses the start (StartupRefusal, one line) and changes nothing.
 */
export async function checkInstallationKeys(deps: {
  db: Db;
  cipher: TokenCipher;
  previousCipher?: TokenCipher | undefined;
}): Promise<InstallationKeyCheck> {
  const { cipher, previousCipher } = deps;
  return deps.db.transaction().execute(async (trx) => {
    const rows = await lockAllInstallations(trx);
    const result: InstallationKeyCheck = { reencrypted: 0, adopted: 0, current: 0 };
    const unreadable: string[] = [];
    const reseal: { teamId: string; sealed: string; adopt: boolean }[] = [];
    for (const row of rows) {
      if (row.keyFingerprint === cipher.fingerprint) {
        result.current += 1;
        continue;
      }
      const known =
        row.keyFingerprint === null || row.keyFingerprint === previousCipher?.fingerprint;
      const asCurrent = row.keyFingerprint === null ? opens(cipher, row.sealed) : undefined;
      if (asCurrent !== undefined) {
        reseal.push({ teamId: row.teamId, sealed: row.sealed, adopt: true });
        continue;
      }
      const asPrevious = known ? opens(previousCipher, row.sealed) : undefined;
      if (asPrevious === undefined) unreadable.push(row.teamId);
      else reseal.push({ teamId: row.teamId, sealed: cipher.encrypt(asPrevious), adopt: false });
    }
    if (unreadable.length > 0) {
      const keys = previousCipher
        ? 'neither AMOS_ENCRYPTION_KEY nor AMOS_ENCRYPTION_KEY_PREVIOUS is'
        : 'AMOS_ENCRYPTION_KEY is not';
      throw new StartupRefusal(
        `${keys} the key the stored installations of ${unreadable.length} of ${rows.length} workspaces were encrypted with (${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ', …' : ''}): start with that key, or to change keys set AMOS_ENCRYPTION_KEY_PREVIOUS to it and AMOS_ENCRYPTION_KEY to the new key`,
      );
    }
    for (const row of reseal) {
      await resealInstallation(trx, row.teamId, row.sealed, cipher.fingerprint);
      if (row.adopt) result.adopted += 1;
      else result.reencrypted += 1;
    }
    return result;
  });
}

/** What a start's key check did, for the operator's log; undefined when there is nothing to say. */
export function keyCheckNotice(
  check: InstallationKeyCheck,
  previousGiven: boolean,
): string | undefined {
  const notes: string[] = [];
  if (check.reencrypted > 0)
    notes.push(
      `re-encrypted ${check.reencrypted} workspace installation(s) with the new AMOS_ENCRYPTION_KEY: once every instance runs with it, remove AMOS_ENCRYPTION_KEY_PREVIOUS`,
    );
  else if (previousGiven)
    notes.push(
      'no installation is encrypted with AMOS_ENCRYPTION_KEY_PREVIOUS any more: it may be removed',
    );
  if (check.adopted > 0)
    notes.push(`recorded which key encrypts ${check.adopted} older installation(s)`);
  return notes.length > 0 ? notes.join('; ') : undefined;
}
