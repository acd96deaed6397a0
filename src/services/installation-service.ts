import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { findInstallation, markUninstalled, saveInstallation } from '../db/workspace-repository.js';
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
  clock: Clock;
}): InstallationStore {
  const cache = new Map<string, { installation: Installation; until: number }>();
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
      const installation = JSON.parse(deps.cipher.decrypt(sealed)) as Installation;
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
