/**
 * The web app's build (dist/web) for a run from source: `npm start` and the test suite build it
 * when it is missing or was built from other sources, so a fresh clone serves the app with no
 * extra command. Freshness is a hash of the sources (not file times, which a checkout or an editor
 * can leave misleading), kept beside the build. A lock directory keeps two processes (two test
 * workers, or a test run and `npm start`) from building at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot, webDistDir } from '../server/lib/paths';

/** What the bundle is made of: the app, what it imports from outside src/web, and the build's own settings. */
const SOURCES = ['src/web', 'src/qr-image/decoder-core.ts', 'src/errors', 'scripts/web-api-types.ts', 'vite.config.ts', 'tsconfig.json', 'package-lock.json'];
const STAMP = '.build-hash';

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .sort()
    .flatMap((entry) => files(path.join(p, entry)));
}

/** A hash of every source file's path and content. */
export function webSourceHash(root = packageRoot()): string {
  const hash = createHash('sha256');
  for (const source of SOURCES) {
    for (const file of files(path.join(root, source))) {
      if (file.endsWith('.test.ts') || file.endsWith('.test.tsx')) continue;
      hash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

export function webBuildIsFresh(root = packageRoot()): boolean {
  const dist = webDistDir(root);
  const stamp = path.join(dist, STAMP);
  if (!existsSync(path.join(dist, 'index.html')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === webSourceHash(root);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WebBuildResult {
  built: boolean;
  ms: number;
}

/**
 * Builds dist/web unless it is fresh. `onStart` is told before a build begins (the console says
 * so: a first start waits a few seconds for it).
 */
export async function ensureWebBuild(opts: { root?: string; onStart?: () => void } = {}): Promise<WebBuildResult> {
  const root = opts.root ?? packageRoot();
  const started = Date.now();
  if (webBuildIsFresh(root)) return { built: false, ms: 0 };
  const lock = path.join(root, 'dist/.web-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than 3 minutes is from a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another web build (remove ${lock} if no build is running)`);
      await sleep(250);
    }
  }
  try {
    if (webBuildIsFresh(root)) return { built: false, ms: Date.now() - started };
    opts.onStart?.();
    const hash = webSourceHash(root);
    let vite: typeof import('vite');
    try {
      vite = await import('vite');
    } catch (err) {
      throw new Error(`the web app is not built and Vite is not installed to build it (${err instanceof Error ? err.message : String(err)}); run "npm install" (with dev dependencies), or "npm run build" where they are`, { cause: err });
    }
    // Never empty dist/web: a browser suite of another run may be serving it right now, and its
    // pages must keep finding the hashed assets they loaded (index.html moves to the new ones).
    await vite.build({ root: path.join(root, 'src/web'), configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', build: { emptyOutDir: false } });
    writeFileSync(path.join(webDistDir(root), STAMP), `${hash}\n`);
    return { built: true, ms: Date.now() - started };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
