/**
 * The broker accounts of devices and site agents, as the rest of the platform sees them
 * (decision 0002). Whoever issues or withdraws a device's or an agent's MQTT credentials tells
 * `DeviceCloud.accounts`; what that means depends on the broker:
 * - embedded Aedes: nothing to do — its authenticate hook reads the registrations and agent
 *   tokens from the store on every CONNECT (`noBrokerAccounts`);
 * - Mosquitto with dynamic security (MQTT_DYNSEC): one client and one role per device and per
 *   agent, made and removed over the plugin's control topic (`MosquittoDynsec`).
 */
/**
 * What a device account reaches: `device` — a bound device's own topics (`allowedTopics`);
 * `register` — only what registering needs (`registrationTopics`: its hello and its acks).
 */
export type DeviceAccountScope = 'device' | 'register';

export interface BrokerAccounts {
  /**
   * Let `dev:<serial>` connect with `password` (its connect proof, `deviceConnectProof`; or
   * `DEVICE_REGISTER_PASSWORD` with `scope` 'register' for a device expected to register), on its
   * own topics only. Creates or replaces (scope included): on Mosquitto a changed account
   * disconnects the device's current connection, so call it when the credentials change, not on
   * every hello.
   */
  allowDevice(serial: string, password: string, scope?: DeviceAccountScope): Promise<void>;
  /** The device can no longer connect; a current connection is closed. Unknown serial: no-op. */
  removeDevice(serial: string): Promise<void>;
  /** Let `agent:<agentId>` connect with `password` (its site token), on its own topics only. */
  allowAgent(agentId: string, password: string): Promise<void>;
  removeAgent(agentId: string): Promise<void>;
}

/** The embedded broker's: accounts live in the store its authenticate hook reads. */
export const noBrokerAccounts: BrokerAccounts = Object.freeze({
  allowDevice: async () => undefined,
  removeDevice: async () => undefined,
  allowAgent: async () => undefined,
  removeAgent: async () => undefined,
});
