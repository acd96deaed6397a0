import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { ReminderSettings } from '../domain/reminders.js';
import type { EscalationSettings, JobSender, ServiceDeps } from './change.js';
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
  jobs?: JobSender;
  reminders?: ReminderSettings;
  escalations?: EscalationSettings;
}): Services {
  const serviceDeps: ServiceDeps = {
    db: deps.db,
    clock: deps.clock,
    admins: deps.admins,
    ...(deps.jobs ? { jobs: deps.jobs } : {}),
    ...(deps.reminders ? { reminders: deps.reminders } : {}),
    ...(deps.escalations ? { escalations: deps.escalations } : {}),
  };
  return {
    deps: serviceDeps,
    workspaces: createWorkspaceService(deps.db),
    isReady: () => isDatabaseReachable(deps.db),
  };
}
