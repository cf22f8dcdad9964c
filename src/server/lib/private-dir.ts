import { chmod, mkdir, stat } from 'node:fs/promises';

/**
 * Creates `dir` (and its parents) readable by this user only (0700), and narrows an existing one
 * that we own to 0700: the data folder holds the embedded database, the secret key and device
 * state, which no other local user may read. A folder owned by someone else is left alone (the
 * operator chose it).
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const s = await stat(dir);
  if ((s.mode & 0o077) !== 0 && (typeof process.getuid !== 'function' || s.uid === process.getuid())) await chmod(dir, 0o700);
}
