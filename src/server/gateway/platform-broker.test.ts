import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/helpers/platform';
import { connectMqtt } from '../../mqtt/client';
import { AGENT_USER_PREFIX, DEVICE_USER_PREFIX } from '../../protocol/tunnel/envelope';

// The platform's embedded broker (not an external MQTT_URL broker, which has its own auth).
const embedded = !process.env.MQTT_URL;

describe.runIf(embedded)("the platform's embedded broker", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.close());

  it('refuses anonymous clients, unknown agents and made-up platform credentials', async () => {
    const url = p.app.platform.mqttUrl;
    const attempts = [
      {},
      { username: `${AGENT_USER_PREFIX}someone`, password: 'not-a-token' },
      { username: 'sitekeeper-platform', password: 'guess' },
      { username: `${DEVICE_USER_PREFIX}../x`, password: 'x' },
    ];
    for (const creds of attempts) {
      await expect(connectMqtt(url, { ...creds, reconnectPeriod: 0, connectTimeoutMs: 5000 }), JSON.stringify(creds)).rejects.toThrow(/authori|Not authorized|refused|Bad username/i);
    }
  });

  it("the node's own broker connection is up, and readiness reports it", async () => {
    const { platform } = p.app;
    expect(platform.mqtt.connected).toBe(true);
    expect((await p.app.inject('/readyz')).json().checks.broker).toBe(true);
  });
});
