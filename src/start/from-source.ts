/**
 * `npm start` (and `sitekeeper server`): the platform run from its TypeScript sources by tsx. The
 * web app is built first when it is missing or its sources changed (a few seconds, said on the
 * console), so a fresh clone serves it with no other command.
 */
import { crashed, run } from './run';
import { ensureWebBuild } from './web-build';

run({
  async prepareWeb() {
    const result = await ensureWebBuild({ onStart: () => process.stdout.write('  Building the web app (first start or changed sources)…\n') });
    if (result.built) process.stdout.write(`  Web app built in ${(result.ms / 1000).toFixed(1)} s.\n`);
  },
}).catch(crashed);
