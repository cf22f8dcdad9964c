/**
 * Builds the web app (dist/web) when it is missing or older than its sources, once per run:
 * tests start from a clean clone. A lock directory keeps two test workers from building at once.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const WEB_DIST = path.join(ROOT, 'dist/web');
// The app and what its bundle imports from outside src/web (the QR decoding core and errors).
const SOURCES = ['src/web', 'src/qr/decoder-core.ts', 'src/errors', 'vite.config.ts'].map((p) => path.join(ROOT, p));
const LOCK = path.join(ROOT, 'dist/.web-build.lock');

function newestMtime(p: string): number {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function webBuildIsFresh(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return SOURCES.every((s) => !existsSync(s) || newestMtime(s) <= built);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureWebBuild(): Promise<void> {
  if (webBuildIsFresh()) return;
  mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Someone else is building; a lock older than 3 minutes is from a crashed run.
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > 180_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('Timed out waiting for another web build');
      await sleep(250);
    }
  }
  try {
    if (webBuildIsFresh()) return;
    const { build } = await import('vite');
    // Never empty dist/web: a browser suite of another run may be serving it right now, and its
    // pages must keep finding the hashed assets they loaded (index.html moves to the new ones).
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { emptyOutDir: false } });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
