/**
 * The Sitekeeper process: configuration, the web app, the platform (buildApp + listen), the demo
 * fleet, the console banner, graceful shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight
 * requests and jobs, close storage). Both entry points run it: `npm start` from source
 * (from-source.ts, which builds the web app when needed) and the production bundle (built.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp, StartupError } from '../server/app';
import { ConfigError, loadConfig, type Config } from '../server/config';
import { webDistDir } from '../server/lib/paths';
import { startDemoFleet } from './demo-fleet';

export interface RunOptions {
  /** Makes sure dist/web is there before the platform starts; throws with what to do when it can't. */
  prepareWeb(): Promise<void>;
}

function die(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

export async function run(opts: RunOptions): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) die(err.message, 2);
    throw err;
  }
  try {
    await opts.prepareWeb();
  } catch (err) {
    die(`Sitekeeper could not start: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
  let app;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (err instanceof StartupError) die(`Sitekeeper could not start: ${err.message}`, 1);
    throw err;
  }
  const platform = app.platform;
  const address = await app.listen({ host: config.host, port: config.port });
  // PORT=0 picks a free port: show the real one.
  const publicUrl = config.port === 0 ? address.replace('127.0.0.1', 'localhost') : config.publicUrl;
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
      const where = demo.note ? ` (${demo.note})` : '';
      lines.push(`  Demo fleet: ${demo.fleet.devices.length} emulated devices; labels, QR codes and passwords at ${demo.fleet.controlUrl}/${where}`);
    } catch (err) {
      lines.push(`  Demo fleet: not started (${err instanceof Error ? err.message : String(err)}); set DEMO_FLEET=false to silence this.`);
    }
  }
  // The setup link opens a page of the web app: print it only when the app is served.
  const setupToken = await platform.auth.issueSetupToken();
  if (setupToken && platform.webServed) lines.push('', `  First start: create the installer admin at ${publicUrl}/setup?token=${setupToken}`);
  if (setupToken && !platform.webServed) lines.push('', `  First start: the web app is not built, so no setup page can open; run "npm run build" and start again.`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    Promise.resolve(demo?.fleet.close())
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
  // Say "running" only once a signal would stop the server cleanly: whoever reads the banner (a
  // supervisor, a test) may send SIGTERM at once, before this process runs another line.
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

/** The production bundle serves a web app built beforehand by `npm run build`. */
export async function requireBuiltWeb(): Promise<void> {
  const dir = webDistDir();
  if (!existsSync(path.join(dir, 'index.html'))) throw new Error(`the web app is not built (${dir} is missing): run "npm run build" first`);
}

export function crashed(err: unknown): never {
  die(`Sitekeeper crashed while starting: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 1);
}
