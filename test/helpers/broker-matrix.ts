/**
 * The brokers the device cloud's authorization is proven on (#12), for `describe.each`: the
 * platform's embedded Aedes (its authenticate hook and acl.ts) and a Mosquitto of the test's own
 * with the dynamic-security plugin, whose accounts the platform manages (MQTT_DYNSEC). Each starts
 * a whole test platform on it and says how to get a device login — the easiest broker account an
 * attacker can get — and how the broker shows a refused PUBLISH.
 */
import type { Config } from '../../src/server/config';
import { startDynsecMosquitto } from './mosquitto-dynsec';
import { startTestPlatform, type TestPlatform } from './platform';

export interface BrokerUnderTest {
  p: TestPlatform;
  /**
   * A `dev:<serial>` login that the broker accepts: on the embedded broker any serial nobody
   * registered (it lets them in to register); on Mosquitto an account the platform made for the
   * serial, as it does for a device it expects (no login exists that nobody made).
   */
  deviceLogin(serial: string): Promise<{ username: string; password: string }>;
  close(): Promise<void>;
}

export interface BrokerCase {
  name: string;
  /**
   * How a refused PUBLISH shows: the embedded broker closes the connection (MQTT 3.1.1 has no
   * negative PUBACK); Mosquitto acknowledges and drops it (its log says "Denied PUBLISH").
   */
  closesOnRefusedPublish: boolean;
  /** Refusals counted in sitekeeper_broker_refused_total (only the embedded broker's hooks see them). */
  countsRefusals: boolean;
  /** A `dev:<serial>` login nobody made gets in (to register: trust on first use). */
  firstLoginOpen: boolean;
  start(config?: Partial<Config>): Promise<BrokerUnderTest>;
}

export const brokerMatrix: BrokerCase[] = [
  {
    name: 'embedded Aedes',
    closesOnRefusedPublish: true,
    countsRefusals: true,
    firstLoginOpen: true,
    async start(config = {}) {
      const p = await startTestPlatform({ config: { ...config, mqttUrl: undefined, mqttDynsec: false } });
      return { p, deviceLogin: async (serial) => ({ username: `dev:${serial}`, password: 'anything' }), close: () => p.close() };
    },
  },
  {
    name: 'Mosquitto with dynamic security',
    closesOnRefusedPublish: false,
    countsRefusals: false,
    firstLoginOpen: false,
    async start(config = {}) {
      const m = await startDynsecMosquitto();
      let p: TestPlatform;
      try {
        p = await startTestPlatform({ config: { ...config, mqttUrl: m.adminUrl, mqttDynsec: true } });
      } catch (err) {
        await m.close();
        throw err;
      }
      return {
        p,
        async deviceLogin(serial) {
          const password = `pw-${serial}`;
          await p.app.platform.brokerAccounts.allowDevice(serial, password);
          return { username: `dev:${serial}`, password };
        },
        async close() {
          await p.close();
          await m.close();
        },
      };
    },
  },
];
