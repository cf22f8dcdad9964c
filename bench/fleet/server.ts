/**
 * Fleet benchmark, platform side (child process): the broker (embedded Aedes with the platform's
 * device/agent authentication, as `npm start` runs it, unless a URL is given) and the device
 * gateway. Reports how many devices are online; records resource marks.
 *   args: <embedded|mqtt-url> <topicPrefix> <expectedDevices>
 */
import { randomBytes } from 'node:crypto';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/server/broker';
import { createBrokerAuthenticator } from '../../src/server/gateway/broker-auth';
import { DeviceGateway } from '../../src/server/gateway/device-gateway';
import { MemoryGatewayStore } from '../../src/server/gateway/memory-store';
import { mark, send, type Mark, type ParentMessage } from './marks';

const [brokerArg = 'embedded', topicPrefix = 'sk-bench/', expectedArg = '0'] = process.argv.slice(2);
const expected = Number(expectedArg);
const marks: Mark[] = [];

async function main(): Promise<void> {
  let broker: EmbeddedBroker | undefined;
  let url = brokerArg;
  const store = new MemoryGatewayStore();
  const creds: { mqttUsername?: string; mqttPassword?: string } = {};
  if (brokerArg === 'embedded') {
    const platform = { user: 'sitekeeper-platform', pass: randomBytes(24).toString('hex') };
    broker = await startEmbeddedBroker({ port: 0, authenticate: createBrokerAuthenticator({ store, platformUsername: platform.user, platformPassword: platform.pass }) });
    url = broker.url;
    creds.mqttUsername = platform.user;
    creds.mqttPassword = platform.pass;
  }
  const gateway = await DeviceGateway.start({ mqttUrl: url, store, topicPrefix, presenceFlushMs: 1000, ...creds });
  let online = 0;
  let reportedAll = false;
  gateway.on('presence', (e: { online: boolean }) => {
    online += e.online ? 1 : -1;
    if (!reportedAll && online >= expected) {
      reportedAll = true;
      send({ type: 'all-online', at: Date.now(), online });
    }
  });
  const progress = setInterval(() => send({ type: 'online', online, at: Date.now(), presenceWrites: store.presenceWrites }), 1000);
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'mark') marks.push(mark(m.name));
    else if (m.type === 'report') send({ type: 'report', marks, presenceWrites: store.presenceWrites, brokerClients: broker?.connectedClients() });
    else if (m.type === 'exit') {
      clearInterval(progress);
      void gateway
        .close()
        .then(() => broker?.close())
        .finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', url });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: String(err) });
  process.exit(1);
});
