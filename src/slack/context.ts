import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';

/** What every listener may use: services to act through, settings, and the logger. */
export interface SlackDeps {
  readonly services: Services;
  readonly config: Pick<Config, 'admins' | 'gatingMode'>;
  readonly logger: Logger;
}
