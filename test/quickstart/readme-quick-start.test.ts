/**
 * The README's quick start, run literally in a fresh copy of this checkout: `npm install`, then
 * `npm start`, then open the setup link it prints — the page must be the web app, not a 404. The
 * suite itself builds the web app for its browser tests, so without this test a quick start that
 * serves no app stays green. The production path (`npm run build`, `npm run start:prod`) too.
 *
 * The copy holds what git would clone (tracked and new files, nothing ignored: no node_modules,
 * no dist, no data). `npm install` runs with --offline: packages come from npm's cache (filled by
 * the install of this checkout), so the test never reaches the network.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/server/lib/paths';
import { eventually } from '../helpers/wait';

const ROOT = packageRoot();
let clone: string;

/** The shell lines of the README's "Quick start" code block. */
function quickStartCommands(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  const block = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error('README.md has no ```sh block under "## Quick start"');
  return block
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

function npm(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync('npm', args, { cwd: clone, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** The environment of a new user: no DATABASE_URL or MQTT_URL; free ports so a running instance does not collide. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', EMBEDDED_MQTT_PORT: '0', DEMO_FLEET_PORT: '0', SADP_TARGETS: 'none', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.MQTT_URL;
  delete env.DATA_DIR;
  return env;
}

interface Started {
  child: ChildProcess;
  output(): string;
}

/**
 * Runs a package.json script as `npm run` would (its command, node_modules/.bin on the PATH) but
 * without npm's wrapper process, so SIGTERM reaches the server itself and its exit code is ours.
 */
function start(script: string): Started {
  const command = (JSON.parse(readFileSync(path.join(clone, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[script];
  if (!command) throw new Error(`package.json has no "${script}" script`);
  const env = userEnv();
  env.PATH = `${path.join(clone, 'node_modules/.bin')}${path.delimiter}${env.PATH ?? ''}`;
  const child = spawn('sh', ['-c', `exec ${command}`], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = `$ ${command}\n`;
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function stop(s: Started): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  const exited = new Promise<number | null>((r) => s.child.once('exit', (code) => r(code)));
  s.child.kill('SIGTERM');
  return exited;
}

async function setupLink(s: Started): Promise<string> {
  return eventually(
    () => {
      if (s.child.exitCode !== null) throw new Error(`exited with ${s.child.exitCode}:\n${s.output()}`);
      return s.output().match(/create the installer admin at (http:\/\/\S+\/setup\?token=\S+)/)?.[1];
    },
    'the setup link on the console',
    180_000,
  );
}

/** The page at `url` is the web app: HTML with its root element, and its script loads. */
async function expectWebApp(url: string): Promise<void> {
  const res = await fetch(url, { headers: { accept: 'text/html' } });
  const html = await res.text();
  expect(res.status, `${url} answered ${res.status}: ${html.slice(0, 200)}`).toBe(200);
  expect(html).toContain('<div id="root">');
  const script = html.match(/<script[^>]+src="([^"]+)"/)?.[1];
  expect(script, 'index.html names its script').toBeTruthy();
  const js = await fetch(new URL(script!, url));
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toMatch(/javascript/);
  expect((await js.text()).length).toBeGreaterThan(1000); // read to the end: an unread body keeps the connection busy
}

beforeAll(() => {
  clone = mkdtempSync(path.join(tmpdir(), 'sk-quickstart-'));
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    // An untracked link to a directory (a worktree's node_modules linked to another checkout's)
    // is not something a clone would hold.
    if (statSync(from).isDirectory()) continue;
    mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
    copyFileSync(from, path.join(clone, file));
  }
}, 120_000);

afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe('README quick start in a fresh clone', () => {
  it('names the two commands', () => {
    expect(quickStartCommands()).toEqual(['npm install && npm start', 'npm install && npm test']);
  });

  it('installs on the Node version the README names, without engine warnings', () => {
    expect(existsSync(path.join(clone, 'dist')), 'a fresh clone has no build').toBe(false);
    const install = npm(['install', '--offline', '--no-audit', '--no-fund']);
    expect(install.status, install.output).toBe(0);
    expect(install.output).not.toMatch(/EBADENGINE/);
  }, 300_000);

  it('npm start serves the web app at the setup link it prints, at / and at /m', async () => {
    const server = start('start');
    try {
      const link = await setupLink(server);
      expect(server.output()).toContain('Building the web app');
      await expectWebApp(link);
      await expectWebApp(new URL('/', link).href);
      await expectWebApp(new URL('/m', link).href);
    } finally {
      expect(await stop(server), server.output()).toBe(0);
    }
  }, 240_000);

  it('npm run build, then npm run start:prod, serves the same without TypeScript at run time', async () => {
    rmSync(path.join(clone, 'data'), { recursive: true, force: true }); // a new installation: a new setup link
    const build = npm(['run', 'build']);
    expect(build.status, build.output).toBe(0);
    expect(existsSync(path.join(clone, 'dist/server/sitekeeper.js'))).toBe(true);
    const server = start('start:prod');
    try {
      const link = await setupLink(server);
      // Plain node (no tsx), with the server's process settings (src/start/runtime-settings.ts).
      expect(server.output()).toMatch(/ node (--[\w=.-]+ )*--enable-source-maps dist\/server\/sitekeeper\.js/);
      await expectWebApp(link);
    } finally {
      expect(await stop(server), server.output()).toBe(0);
    }
    // Without its web app the production server prints no setup link that leads nowhere: it stops
    // at once and says what to run.
    const index = path.join(clone, 'dist/web/index.html');
    renameSync(index, `${index}.away`);
    try {
      const unbuilt = start('start:prod');
      const code = await new Promise<number | null>((r) => (unbuilt.child.exitCode !== null ? r(unbuilt.child.exitCode) : unbuilt.child.once('exit', (c) => r(c))));
      expect(code, unbuilt.output()).toBe(1);
      expect(unbuilt.output()).toContain('run "npm run build" first');
      expect(unbuilt.output()).not.toContain('/setup?token=');
    } finally {
      renameSync(`${index}.away`, index);
    }
  }, 240_000);
});
