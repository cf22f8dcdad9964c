/**
 * Nodes on one database must share SECRET_KEY (docs/decisions/0014-two-nodes.md): a second node
 * with the same key starts; one with another key refuses to start, saying why.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createSharedTestDatabase } from '../../../test/helpers/database';
import { buildApp, StartupError } from '../app';
import { loadConfig } from '../config';

let db: { url: string; drop(): Promise<void> } | undefined;
afterAll(async () => db?.drop());

function configWith(url: string, key: string) {
  return loadConfig({
    DATABASE_URL: url, SECRET_KEY: key, DATA_DIR: 'memory://', EMBEDDED_MQTT_PORT: '0', LOG_LEVEL: 'silent', DEMO_FLEET: 'false', SADP_TARGETS: 'none',
    MQTT_TOPIC_PREFIX: `sk-test-${randomBytes(4).toString('hex')}/`,
  });
}

describe('one SECRET_KEY per database', () => {
  it('a node with the same key starts; a node with another key refuses to start', async () => {
    db = await createSharedTestDatabase();
    const key = randomBytes(32).toString('hex');
    const first = await buildApp(configWith(db.url, key));
    try {
      const second = await buildApp(configWith(db.url, key));
      await second.close();
      const other = buildApp(configWith(db.url, randomBytes(32).toString('hex')));
      await expect(other).rejects.toThrow(StartupError);
      await expect(other).rejects.toThrow(/SECRET_KEY differs/);
    } finally {
      await first.close();
    }
  }, 120_000);
});
