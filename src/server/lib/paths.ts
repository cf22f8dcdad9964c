/**
 * Where the package's files are, the same from source (TypeScript under src, run by tsx) and from the
 * production bundle (dist/server): the nearest folder above this module with a package.json.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}`);
  }
}

export function webDistDir(root = packageRoot()): string {
  return path.join(root, 'dist/web');
}
