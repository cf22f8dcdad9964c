/**
 * Fleet benchmark, emulator side (child process): N emulated devices (camera / NVR / AX Pro mix,
 * all activated with the cloud service on) connected to the device gateway through their cloud
 * connectors, in one process. No HTTP listeners: this measures the cloud side.
 *   args: <mqtt-url> <topicPrefix> <count>
 */
import { createDevice, type VirtualDevice } from '../../src/emulator';
import { startCloudAgent, type CloudAgent } from '../../src/emulator/cloud-agent';
import { mark, send, type Mark, type ParentMessage } from './marks';

const [url = '', topicPrefix = 'sk-bench/', countArg = '0'] = process.argv.slice(2);
const count = Number(countArg);
const marks: Mark[] = [];
const TYPES = ['camera', 'nvr', 'axpro'] as const;

async function main(): Promise<void> {
  const devices: VirtualDevice[] = Array.from({ length: count }, (_, i) =>
    createDevice({ type: TYPES[i % TYPES.length]!, serial: `BENCH${String(i).padStart(6, '0')}${topicPrefix.replace(/\W/g, '').slice(-8).toUpperCase()}`, activated: true, cloudEnabled: true }),
  );
  const agents: CloudAgent[] = [];
  process.on('message', (m: ParentMessage) => {
    if (m.type === 'mark') marks.push(mark(m.name));
    else if (m.type === 'report') send({ type: 'report', marks });
    else if (m.type === 'go') {
      void (async () => {
        // Ramp up (100 per 50 ms, 2,000/s) so neither the listen backlog nor the CPU is flooded.
        for (let i = 0; i < devices.length; i += 100) {
          const batch = devices.slice(i, i + 100);
          agents.push(...(await Promise.all(batch.map((d) => startCloudAgent(d, { mqttUrl: url, topicPrefix, keepaliveSeconds: 60 })))));
          await new Promise((r) => setTimeout(r, 50));
        }
        send({ type: 'started', at: Date.now() });
      })();
    } else if (m.type === 'exit') {
      void (async () => {
        // Graceful: each connector clears its retained presence (keeps a shared broker clean).
        for (let i = 0; i < agents.length; i += 500) await Promise.all(agents.slice(i, i + 500).map((a) => a.close()));
        for (const d of devices) await d.close();
        process.exit(0);
      })();
    }
  });
  send({ type: 'ready', devices: devices.length });
}

main().catch((err: unknown) => {
  send({ type: 'error', message: String(err) });
  process.exit(1);
});
