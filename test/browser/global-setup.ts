/** Vitest globalSetup: build the web app once before the browser tests (no-op when fresh). */
import { ensureWebBuild } from './support/build';

export default async function setup(): Promise<void> {
  await ensureWebBuild();
}
