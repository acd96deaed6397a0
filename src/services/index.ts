import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { isDatabaseReachable } from './health-service.js';
import { createWorkspaceService, type WorkspaceService } from './workspace-service.js';

/** Everything the Slack layer and jobs may call; built once in the composition root. */
export interface Services {
  readonly workspaces: WorkspaceService;
  isReady(): Promise<boolean>;
}

export function createServices(deps: { db: Db; clock: Clock }): Services {
  return {
    workspaces: createWorkspaceService(deps.db),
    isReady: () => isDatabaseReachable(deps.db),
  };
}
