import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { ServiceDeps } from './change.js';
import { isDatabaseReachable } from './health-service.js';
import { createWorkspaceService, type WorkspaceService } from './workspace-service.js';

/** Everything the Slack layer and jobs may call; built once in the composition root. */
export interface Services {
  readonly deps: ServiceDeps;
  readonly workspaces: WorkspaceService;
  isReady(): Promise<boolean>;
}

export function createServices(deps: {
  db: Db;
  clock: Clock;
  admins: readonly string[];
}): Services {
  const serviceDeps: ServiceDeps = { db: deps.db, clock: deps.clock, admins: deps.admins };
  return {
    deps: serviceDeps,
    workspaces: createWorkspaceService(deps.db),
    isReady: () => isDatabaseReachable(deps.db),
  };
}
