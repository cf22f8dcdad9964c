/**
 * `npm start`: the platform on embedded defaults (PGlite + Aedes + demo fleet) or on DATABASE_URL /
 * MQTT_URL. SIGTERM/SIGINT: stop accepting, finish in-flight requests and jobs, close storage.
 */
import { buildApp, StartupError } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import type { Platform } from './app';

/**
 * The demo fleet of `npm start`: emulated devices in every state an installer meets, connected to
 * this platform's device cloud and answering its site agent's SADP probes. Kept in DATA_DIR so
 * the same devices come back after a restart.
 */
async function startDemoFleet(config: Readonly<Config>, platform: Platform) {
  const { startFleet } = await import('../emulator');
  const path = await import('node:path');
  const fleet = await startFleet({
    count: config.demoFleetCount,
    statePath: path.resolve(config.dataDir, 'demo-fleet.json'),
    cloudMqttUrl: platform.mqttUrl,
    cloudTopicPrefix: config.mqttTopicPrefix,
    sadpPort: 0,
    sadpAddress: '127.0.0.1',
  });
  platform.sadpTargets.push({ address: '127.0.0.1', port: fleet.sadpPort });
  return fleet;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let app;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (err instanceof StartupError) {
      process.stderr.write(`Sitekeeper could not start: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const platform = app.platform;
  const address = await app.listen({ host: config.host, port: config.port });
  // PORT=0 picks a free port: show the real one.
  const publicUrl = config.port === 0 ? address.replace('127.0.0.1', 'localhost') : config.publicUrl;
  const setupToken = await platform.auth.issueSetupToken();
  const lines = [
    '',
    `  Sitekeeper is running at ${publicUrl}`,
    `  API docs:   ${publicUrl}/docs`,
    `  Storage:    ${platform.database.embedded ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : 'PostgreSQL at DATABASE_URL'}`,
    `  Broker:     ${config.mqttUrl ? 'MQTT_URL' : `embedded MQTT on ${platform.mqttUrl}`}`,
  ];
  let demo: Awaited<ReturnType<typeof startDemoFleet>> | undefined;
  if (config.demoFleet) {
    try {
      demo = await startDemoFleet(config, platform);
      lines.push(`  Demo fleet: ${demo.devices.length} emulated devices; labels, QR codes and passwords at ${demo.controlUrl}/`);
    } catch (err) {
      lines.push(`  Demo fleet: not started (${err instanceof Error ? err.message : String(err)}); set DEMO_FLEET=false to silence this.`);
    }
  }
  if (setupToken) lines.push('', `  First start: create the installer admin at ${publicUrl}/setup?token=${setupToken}`);
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    Promise.resolve(demo?.close())
      .then(() => app.close())
      .then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`Sitekeeper crashed while starting: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
