/**
 * The production entry: `npm run build` bundles this into dist/server/sitekeeper.js (no TypeScript
 * at run time) beside the web app in dist/web; `npm run start:prod` runs it with plain node.
 */
import { crashed, requireBuiltWeb, run } from './run';

run({ prepareWeb: requireBuiltWeb }).catch(crashed);
