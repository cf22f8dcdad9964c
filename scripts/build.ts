/**
 * `npm run build`: the production build. The web app into dist/web (with its source hash, so
 * `npm start` knows it is fresh) and the server bundled into dist/server/sitekeeper.js by esbuild
 * (our TypeScript compiled once; packages stay in node_modules), run by `npm run start:prod`.
 * `npm run build -- --web` builds only the web app.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { packageRoot } from '../src/server/lib/paths';
import { ensureWebBuild } from '../src/start/web-build';

const root = packageRoot();
const webOnly = process.argv.includes('--web');

const web = await ensureWebBuild({ root, onStart: () => process.stdout.write('Building the web app…\n') });
process.stdout.write(web.built ? `Web app built into dist/web in ${(web.ms / 1000).toFixed(1)} s.\n` : 'Web app in dist/web is up to date.\n');

if (!webOnly) {
  const outfile = path.join(root, 'dist/server/sitekeeper.js');
  await build({
    // The photo decode worker is its own file beside the server (src/qr-image/decode-pool.ts finds it there).
    entryPoints: { sitekeeper: path.join(root, 'src/start/built.ts'), 'decode-worker': path.join(root, 'src/qr-image/decode-worker.ts') },
    outdir: path.dirname(outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  process.stdout.write(`Server bundled into ${path.relative(root, outfile)}; run it with "npm run start:prod".\n`);
}
