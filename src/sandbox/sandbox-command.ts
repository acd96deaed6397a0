/**
 * `amos sandbox [--demo] [--port N]` (also `amos local`): starts the sandbox and prints the
 * page's address on the first line, before anything slow (building the page, PostgreSQL).
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../logger.js';
import { DEFAULT_SANDBOX_PORT, type Sandbox, startSandbox } from './sandbox.js';
import { SANDBOX_PEOPLE } from './workspace-people.js';

export async function sandboxCommand(argv: string[]): Promise<Sandbox> {
  const { values } = parseArgs({
    args: argv,
    options: { demo: { type: 'boolean' }, port: { type: 'string' } },
    strict: false,
  });
  const port = typeof values.port === 'string' ? Number(values.port) : DEFAULT_SANDBOX_PORT;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const options = {
    demo: values.demo === true,
    logger: createLogger(logLevel(process.env.LOG_LEVEL)),
    onAddress: (url: string) => out(`AMOS sandbox: open ${url} in your browser`),
  };
  const sandbox = await startSandbox({ ...options, port }).catch((error: unknown) => {
    // The default port is taken (another sandbox?): any free port will do.
    if (!values.port && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      return startSandbox({ ...options, port: 0 });
    }
    throw error;
  });
  out(
    `Ready${options.demo ? ' with the demo engagements (acme-q3 active, initech waiting for approval, globex a draft)' : ''}. ` +
      `People: ${SANDBOX_PEOPLE.map((p) => `${p.realName} (${p.role})`).join(', ')}.`,
  );
  out('Everything is in memory and a temporary database: it is gone when you stop. Ctrl-C stops.');
  return sandbox;
}

function logLevel(value: string | undefined): 'debug' | 'info' | 'warn' | 'error' {
  return value === 'debug' || value === 'info' || value === 'error' ? value : 'warn';
}
