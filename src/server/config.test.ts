import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives embedded defaults off the standard ports', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, databaseUrl: undefined, mqttUrl: undefined, embeddedMqttPort: 18830, dataDir: './data', demoFleet: true });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', EMBEDDED_MQTT_PORT: '1883', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT');
      expect(problems).toContain('DATABASE_URL');
      expect(problems).toContain('LOG_LEVEL');
      expect(problems).toContain('EMBEDDED_MQTT_PORT');
    }
  });

  it('reads the external services', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', MQTT_URL: 'mqtt://127.0.0.1:1883', PORT: '9000' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://u@h:5432/db', mqttUrl: 'mqtt://127.0.0.1:1883', port: 9000, publicUrl: 'http://localhost:9000' });
  });
});
