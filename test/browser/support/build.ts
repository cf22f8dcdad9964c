/** The web app's build for the browser tests: the same one `npm start` makes (src/start/web-build.ts). */
import { packageRoot, webDistDir } from '../../../src/server/lib/paths';

export { ensureWebBuild, webBuildIsFresh } from '../../../src/start/web-build';
export const ROOT = packageRoot();
export const WEB_DIST = webDistDir(ROOT);
