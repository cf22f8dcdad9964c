import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import { ensurePrivateDir } from '../lib/private-dir';

/**
 * The key for secrets at rest: SECRET_KEY when set; otherwise generated on first start and kept in
 * DATA_DIR/secret.key (mode 600). A throwaway in-memory platform gets a throwaway key.
 */
export async function loadSecretKey(config: Pick<Config, 'secretKeyHex' | 'dataDir'>): Promise<string> {
  if (config.secretKeyHex) return config.secretKeyHex;
  if (config.dataDir === 'memory://') return randomBytes(32).toString('hex');
  const file = path.resolve(config.dataDir, 'secret.key');
  try {
    const hex = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/i.test(hex)) return hex;
    throw new Error(`${file} does not hold a 64-hex-character key`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await ensurePrivateDir(config.dataDir);
  const hex = randomBytes(32).toString('hex');
  await writeFile(file, `${hex}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return hex;
}
