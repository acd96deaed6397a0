/**
 * Builds the sandbox page (src/sandbox/page, Preact) with Vite into dist/sandbox-page, once:
 * a later start reuses the build while the page's sources are unchanged (a hash of them is
 * kept beside the build). Everything it needs is installed by `npm install`; no network.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PAGE_SOURCE = fileURLToPath(new URL('./page', import.meta.url));
export const PAGE_OUT = path.resolve(PAGE_SOURCE, '../../../dist/sandbox-page');
const STAMP = '.source-hash';

async function sourceHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of entries) {
    hash.update(path.relative(dir, file));
    hash.update(await readFile(file));
  }
  return hash.digest('hex');
}

/** The folder holding the built page, building it first when missing or out of date. */
export async function ensurePageBuilt(
  options: { outDir?: string; force?: boolean } = {},
): Promise<string> {
  const outDir = options.outDir ?? PAGE_OUT;
  const wanted = await sourceHash(PAGE_SOURCE);
  const stamp = path.join(outDir, STAMP);
  if (!options.force && existsSync(stamp) && (await readFile(stamp, 'utf8')) === wanted) {
    return outDir;
  }
  const { build } = await import('vite');
  await build({
    root: PAGE_SOURCE,
    configFile: false,
    logLevel: 'warn',
    base: '/',
    build: { outDir, emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  });
  await writeFile(stamp, wanted);
  return outDir;
}
