/**
 * `sitekeeper add --site <id|name> <image|text|->` — the installer's laptop path to the onboarding
 * API: scan (QR text or a photo decoded by the server) → candidate table → choose devices and
 * answer what they need (codes, passwords; asked on a terminal, never echoed or printed) → add
 * with an idempotency key → follow the batch over Server-Sent Events with a progress bar → one
 * result line per device.
 *
 * Exit code: 0 every selected device added or already there; 2 some need action or are pending
 * (offline devices continue by themselves on the server); 1 failure.
 */
import { randomUUID } from 'node:crypto';
import { stat, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { formatTable } from './device';
import { readSse } from '../sse';
import { serialMatches } from '../../protocol/qr';

// ---- API shapes (the subset the CLI reads) --------------------------------------------------------

export interface Candidate {
  id: string;
  name: string;
  serial: string | null;
  model?: string | null;
  online: boolean;
  activated: boolean | null;
  cloudEnabled: boolean | null;
  alreadyAdded: 'this_site' | 'other_site' | 'elsewhere' | null;
  nextAction: string;
  error: ErrorInfo | null;
  guidance: string[];
}

export interface ErrorInfo {
  code: string;
  message: string;
  hint: string;
}

export interface BatchItem {
  id: string;
  candidateId: string;
  serial: string | null;
  state: string;
  step: string;
  deviceId?: string | null;
  error: ErrorInfo | null;
  guidance: string[];
}

export interface BatchStatus {
  batchId: string;
  settled: boolean;
  done: boolean;
  counts: Record<string, number>;
  items: BatchItem[];
}

interface ScanResult {
  scanId: string;
  classified: Record<string, unknown>;
  candidates: Candidate[];
}

/** An error answered by the server (or about reaching it), printed by main.ts as `error CODE: message` + hint. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint = '',
    readonly status = 0,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const FINISHED = new Set(['added', 'already_added', 'failed', 'needs_action']);
const MAX_STDIN_BYTES = 64 * 1024;
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_HINT = 'Create an API token in the portal under Account › API tokens (/account/tokens; it is shown once), then pass --token or set SITEKEEPER_TOKEN.';

// ---- HTTP client ------------------------------------------------------------------------------

export class SitekeeperApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 120_000,
  ) {}

  url(path: string): string {
    return new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`).toString();
  }

  async request<T>(method: string, path: string, body?: unknown, opts: { timeoutMs?: number } = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await this.fetch(path, { method, headers, ...(payload !== undefined ? { body: payload } : {}), signal: AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) throw apiError(res.status, json, text);
    return json as T;
  }

  /** Opens a Server-Sent Events stream (no overall timeout: the caller aborts). */
  async stream(path: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.fetch(path, { headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' }, signal });
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      throw apiError(res.status, json, text);
    }
    return res.body;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(this.url(path), init);
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      if (err.name === 'TimeoutError') throw new CliError('SERVICE_UNAVAILABLE', `The server at ${this.baseUrl} did not answer in time.`, 'Try again; devices that are slow to answer make scans take longer.');
      if (err.name === 'AbortError') throw err;
      throw new CliError('SERVICE_UNAVAILABLE', `Cannot reach the Sitekeeper server at ${this.baseUrl}${err.cause?.code ? ` (${err.cause.code})` : ''}.`, 'Check --server (or SITEKEEPER_URL) and that the server is running.');
    }
  }
}

function apiError(status: number, json: unknown, text: string): CliError {
  const e = (json as { error?: Partial<ErrorInfo> } | undefined)?.error;
  if (e?.code) return new CliError(e.code, e.message ?? `The server answered ${status}.`, e.code === 'AUTH_REQUIRED' ? `${e.hint ?? ''} ${TOKEN_HINT}`.trim() : (e.hint ?? ''), status);
  return new CliError(status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED', `The server answered ${status}: ${text.slice(0, 200)}`, 'Check --server: it must point at a Sitekeeper server.', status);
}

// ---- pure helpers (tested directly) -----------------------------------------------------------

export interface Site {
  id: string;
  name: string;
}

/** A site id, or a name that matches exactly one site (exact, case-insensitive, wins over partial). */
export function pickSite(wanted: string, sites: Site[]): Site {
  const exact = sites.filter((s) => s.name.toLowerCase() === wanted.toLowerCase());
  const pool = exact.length > 0 ? exact : sites;
  if (pool.length === 1) return pool[0]!;
  if (pool.length === 0) throw new CliError('SITE_NOT_FOUND', `No site named "${wanted}".`, 'Check the name (sitekeeper add matches it case-insensitively) or pass the site id.');
  const list = pool.slice(0, 10).map((s) => `"${s.name}" (${s.id})`).join(', ');
  throw new CliError('VALIDATION_FAILED', `"${wanted}" matches ${pool.length} sites: ${list}${pool.length > 10 ? ', …' : ''}.`, 'Give the full site name or its id.');
}

/** Which candidates to add: `--all`, `--select serial,…` (full or label serial, or name), else every one with something to do. */
export function selectCandidates(cands: Candidate[], opts: { all?: boolean; select?: string }): Candidate[] {
  if (opts.all) return cands;
  if (opts.select !== undefined) {
    const wanted = opts.select.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    const hit = (c: Candidate, w: string) => (c.serial !== null && serialMatches(c.serial, w)) || c.name.toUpperCase() === w;
    const chosen = cands.filter((c) => wanted.some((w) => hit(c, w)));
    const missing = wanted.filter((w) => !chosen.some((c) => hit(c, w)));
    if (missing.length > 0) throw new CliError('CANDIDATE_NOT_FOUND', `Not in this code: ${missing.join(', ')}.`, `The code names: ${cands.map((c) => c.serial ?? c.name).join(', ')}.`);
    return chosen;
  }
  return cands.filter((c) => c.nextAction !== 'none');
}

function stateOf(c: Candidate): string {
  if (c.alreadyAdded) return c.alreadyAdded === 'this_site' ? 'already on this site' : c.alreadyAdded === 'other_site' ? 'on another site' : 'in another company';
  if (!c.online) return 'offline';
  const parts = ['online'];
  if (c.activated === false) parts.push('not activated');
  if (c.cloudEnabled === false) parts.push('cloud off');
  return parts.join(', ');
}

const ACTION_TEXT: Record<string, string> = {
  add: 'add',
  activate: 'activate (admin password)',
  enable_cloud: 'enable cloud (verification code)',
  enter_verification_code: 'verification code',
  enter_password: 'device password',
  connect_to_network: 'connect to network',
  none: '-',
};

export function candidateTable(cands: Candidate[]): string {
  return formatTable(
    ['NAME', 'SERIAL', 'STATE', 'NEXT', 'PROBLEM'],
    cands.map((c) => [c.name, c.serial ?? '-', stateOf(c), ACTION_TEXT[c.nextAction] ?? c.nextAction, c.error ? `${c.error.code}: ${c.error.message}` : '']),
  );
}

/** One line (plus a hint line) per device, for people. */
export function resultLine(item: BatchItem, name: string): string {
  const who = item.serial && item.serial !== name ? `${name} (${item.serial})` : name;
  switch (item.state) {
    case 'added':
      return `added          ${who}`;
    case 'already_added':
      return `already added  ${who}`;
    case 'pending':
      return `pending        ${who}: offline, Sitekeeper adds it by itself when it comes online`;
    case 'failed':
    case 'needs_action': {
      const label = item.state === 'failed' ? 'failed        ' : 'needs action  ';
      const err = item.error;
      return `${label} ${who}: ${err ? `${err.code}: ${err.message}` : 'no reason given'}${err?.hint ? `\n               hint: ${err.hint}` : ''}`;
    }
    default:
      return `${item.state.padEnd(14)} ${who}: still ${item.step || 'running'}`;
  }
}

/** 0 all added or already there, 1 any failure, 2 otherwise (needs action, pending, still running). */
export function exitCodeFor(items: Array<Pick<BatchItem, 'state'>>): 0 | 1 | 2 {
  if (items.some((i) => i.state === 'failed')) return 1;
  if (items.every((i) => i.state === 'added' || i.state === 'already_added')) return 0;
  return 2;
}

// ---- prompts ------------------------------------------------------------------------------------

async function readStdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_STDIN_BYTES) throw new CliError('QR_TOO_LARGE', 'The QR text on stdin is larger than 64 KB.', 'Pass the text of one QR code.');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal without echoing it. */
export async function askSecret(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new CliError('VALIDATION_FAILED', 'Cancelled.', ''));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function askLine(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

// ---- the command ----------------------------------------------------------------------------------

export interface AddFlags {
  site: string;
  server?: string;
  token?: string;
  all?: boolean;
  select?: string;
  verificationCode?: string;
  adminPassword?: string;
  devicePassword?: string;
  qrPassword?: string;
  idempotencyKey?: string;
  json?: boolean;
  waitSeconds?: string;
}

interface Input {
  text?: string;
  image?: { name: string; bytes: Buffer };
}

async function readInput(arg: string): Promise<Input> {
  if (arg === '-') {
    if (process.stdin.isTTY) throw new CliError('VALIDATION_FAILED', 'Nothing on stdin.', 'Pipe the QR text in (… | sitekeeper add --site S -), or pass it as an argument.');
    const text = await readStdinText();
    if (!text.trim()) throw new CliError('VALIDATION_FAILED', 'The QR text on stdin is empty.', 'Pipe the text of one QR code.');
    return { text };
  }
  const st = await stat(arg).catch(() => undefined);
  if (st?.isFile()) {
    if (st.size > MAX_IMAGE_BYTES) throw new CliError('IMAGE_TOO_LARGE', `${arg} is larger than 32 MB.`, 'Use a smaller photo of the label.');
    return { image: { name: basename(arg), bytes: await readFile(arg) } };
  }
  return { text: arg };
}

async function scan(api: SitekeeperApi, siteId: string, input: Input, qrPassword: string | undefined): Promise<ScanResult> {
  const path = `/api/sites/${encodeURIComponent(siteId)}/scans`;
  if (input.image) {
    const form = new FormData();
    if (qrPassword) form.append('qrPassword', qrPassword);
    form.append('image', new Blob([new Uint8Array(input.image.bytes)]), input.image.name);
    return api.request<ScanResult>('POST', path, form);
  }
  return api.request<ScanResult>('POST', path, { text: input.text, ...(qrPassword ? { qrPassword } : {}) });
}

async function resolveSite(api: SitekeeperApi, site: string): Promise<Site> {
  if (UUID_RE.test(site)) return { id: site, name: site };
  const page = await api.request<{ items: Site[] }>('GET', `/api/sites?search=${encodeURIComponent(site)}&pageSize=200`);
  return pickSite(site, page.items);
}

/** Follows the batch until it settles (SSE; polling if the stream breaks). Calls `onChange` with the latest items. */
async function follow(api: SitekeeperApi, batchId: string, deadline: number, onChange: (items: Map<string, BatchItem>) => void): Promise<BatchStatus> {
  const items = new Map<string, BatchItem>();
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), Math.max(0, deadline - Date.now()));
  try {
    const body = await api.stream(`/api/batches/${batchId}/events`, ctrl.signal);
    for await (const ev of readSse(body)) {
      if (ev.event === 'item') {
        const it = JSON.parse(ev.data) as BatchItem;
        items.set(it.id, it);
        onChange(items);
      } else if (ev.event === 'settled') {
        break;
      }
    }
  } catch (e) {
    // A dropped stream is not a failed add: fall back to polling the batch.
    if (e instanceof CliError && e.status >= 400 && e.status < 500) throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  for (;;) {
    const status = await api.request<BatchStatus>('GET', `/api/batches/${batchId}`, undefined, { timeoutMs: 30_000 });
    for (const it of status.items) items.set(it.id, it);
    onChange(items);
    if (status.settled || Date.now() >= deadline) return status;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function runAdd(inputArg: string, flags: AddFlags): Promise<number> {
  const server = flags.server ?? process.env.SITEKEEPER_URL ?? 'http://localhost:8080';
  const token = flags.token ?? process.env.SITEKEEPER_TOKEN;
  if (!token) throw new CliError('AUTH_REQUIRED', 'An API token is required.', TOKEN_HINT);
  const waitSeconds = Number(flags.waitSeconds ?? '900');
  if (!Number.isFinite(waitSeconds) || waitSeconds < 1) throw new CliError('VALIDATION_FAILED', '--wait-seconds must be a positive number.', 'Pass a whole number of seconds, e.g. --wait-seconds 900.');
  const out = (s: string) => {
    if (!flags.json) process.stdout.write(`${s}\n`);
  };
  const interactive = process.stdin.isTTY === true && inputArg !== '-';

  const api = new SitekeeperApi(server, token);
  const input = await readInput(inputArg);
  const site = await resolveSite(api, flags.site);

  let qrPassword = flags.qrPassword;
  let result: ScanResult;
  try {
    result = await scan(api, site.id, input, qrPassword);
  } catch (e) {
    if (!(e instanceof CliError && e.code === 'QR_PASSWORD_REQUIRED' && interactive && !qrPassword)) throw e;
    qrPassword = await askSecret('This code is password protected. QR code password: ');
    result = await scan(api, site.id, input, qrPassword);
  }
  const byCandidate = new Map(result.candidates.map((c) => [c.id, c]));
  out(`Site: ${site.name}${site.name !== site.id ? ` (${site.id})` : ''}`);
  out(candidateTable(result.candidates));

  const chosen = selectCandidates(result.candidates, flags);
  if (chosen.length === 0) {
    const here = result.candidates.every((c) => c.alreadyAdded === 'this_site');
    out(here ? 'Every device in this code is already on this site.' : 'Nothing to add: no device in this code can be added (see PROBLEM above).');
    if (flags.json) process.stdout.write(`${JSON.stringify({ scanId: result.scanId, batchId: null, items: [] })}\n`);
    return here ? 0 : 1;
  }

  // Answers the chosen devices need; asked only on a terminal, never echoed.
  const needs = new Set(chosen.map((c) => c.nextAction));
  let { verificationCode, adminPassword, devicePassword } = flags;
  if (interactive) {
    if (!adminPassword && needs.has('activate')) {
      adminPassword = await askSecret('New admin password for the factory-new device(s): ');
      if ((await askSecret('Repeat it: ')) !== adminPassword) throw new CliError('VALIDATION_FAILED', 'The two passwords differ.', 'Run the command again.');
    }
    if (!verificationCode && needs.has('enter_verification_code')) verificationCode = await askLine('Verification code (on the device label): ');
    if (!verificationCode && needs.has('enable_cloud')) verificationCode = await askLine('Choose a verification code for the cloud service (6–12 letters or digits): ');
    if (!devicePassword && (needs.has('enter_password') || needs.has('enable_cloud'))) devicePassword = await askSecret('Device admin password: ');
  }

  const added = await api.request<{ batchId: string }>('POST', `/api/scans/${result.scanId}/add`, {
    candidateIds: chosen.map((c) => c.id),
    idempotencyKey: flags.idempotencyKey ?? `cli-${randomUUID()}`,
    ...(verificationCode ? { verificationCode } : {}),
    ...(adminPassword ? { adminPassword } : {}),
    ...(devicePassword ? { devicePassword } : {}),
  });

  const showBar = !flags.json && process.stderr.isTTY === true;
  const bar = new SingleBar({ format: 'Adding {bar} {value}/{total} {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, { format: '', barCompleteChar: '#', barIncompleteChar: '.' });
  if (showBar) bar.start(chosen.length, 0, { detail: '' });
  let status: BatchStatus;
  try {
    status = await follow(api, added.batchId, Date.now() + waitSeconds * 1000, (items) => {
      if (!showBar) return;
      const list = [...items.values()];
      const finished = list.filter((i) => FINISHED.has(i.state) || i.state === 'pending').length;
      const running = list.find((i) => i.state === 'running');
      bar.update(finished, { detail: running ? `${byCandidate.get(running.candidateId)?.name ?? ''} ${running.step}` : '' });
    });
  } finally {
    if (showBar) bar.stop();
  }

  const items = status.items.map((it) => ({ name: byCandidate.get(it.candidateId)?.name ?? it.serial ?? it.candidateId, ...it }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ scanId: result.scanId, batchId: added.batchId, items })}\n`);
  } else {
    for (const it of items) out(resultLine(it, it.name));
    const counts = Object.entries(status.counts).map(([k, v]) => `${v} ${k.replace('_', ' ')}`).join(', ');
    out(`Batch ${added.batchId}: ${counts}.`);
  }
  return exitCodeFor(status.items);
}

export function register(program: Command): void {
  program
    .command('add')
    .description('Add the devices of a QR code (photo, text, or - for stdin) to a site, through a Sitekeeper server')
    .argument('<input>', 'label photo (a file path), the QR text, or - to read the text from stdin')
    .requiredOption('--site <site>', 'site id or site name')
    .option('--server <url>', 'Sitekeeper server (or SITEKEEPER_URL; default http://localhost:8080)')
    .option('--token <token>', 'API token (or SITEKEEPER_TOKEN); create one in the portal at /account/tokens')
    .option('--all', 'add every device in the code')
    .option('--select <serials>', 'add only these devices (comma-separated serials or names)')
    .option('--verification-code <code>', 'verification code (label) or the one to set when enabling the cloud service')
    .option('--admin-password <password>', 'admin password to set on factory-new devices (activation)')
    .option('--device-password <password>', 'admin password of already activated devices')
    .option('--qr-password <password>', 'password of a protected multi-device code')
    .option('--idempotency-key <key>', 'retry-safe key for the add (default: generated)')
    .option('--wait-seconds <s>', 'stop following the progress after this long', '900')
    .option('--json', 'print one JSON object at the end instead of the table and progress')
    .action(async (input: string, flags: AddFlags) => {
      process.exitCode = await runAdd(input, flags);
    });
}
