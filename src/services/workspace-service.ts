import type { Db } from '../db/database.js';
import { upsertWorkspace, type WorkspaceIdentity } from '../db/workspace-repository.js';

export interface WorkspaceService {
  /** Makes sure the workspace row exists (once per process per team). */
  ensureWorkspace(identity: WorkspaceIdentity): Promise<void>;
}

export function createWorkspaceService(db: Db): WorkspaceService {
  const known = new Map<string, Promise<void>>();
  return {
    ensureWorkspace(identity) {
      let pending = known.get(identity.teamId);
      if (!pending) {
        pending = upsertWorkspace(db, identity);
        known.set(identity.teamId, pending);
        pending.catch(() => known.delete(identity.teamId));
      }
      return pending;
    },
  };
}
