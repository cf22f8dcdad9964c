/**
 * `sitekeeper add --site <id|name> <image|text|->` — the installer's laptop path to the onboarding
 * API: scan (QR text or a photo decoded by the server) → candidate table → choose devices and
 * answer what they need (codes, passwords; asked on a terminal, never echoed or printed) → add
 * with an idempotency key → follow the batch over Server-Sent Events with a progress bar → one
 * result line per device.
 *
 * Exit code: 0 every selected device added or already there; 2 some need action or are pending
 * (offline devices continue by themselves on the server); 1 failure.
 *
 * The pieces: ../api (HTTP client and typed endpoints), ../add (argument → request mapping,
 * selection, questions, output), ../prompts (terminal input). This file is the flow.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { CliError } from '../cli-error';
import { askLine, askSecret } from '../prompts';
import { SitekeeperApi, TOKEN_HINT } from '../api/client';
import { addDevices, followBatch, scan, searchSites, type BatchItem, type BatchStatus, type ScanResult, type Site } from '../api/onboarding';
import { isSiteId, pickSite, selectCandidates } from '../add/select';
import { addRequest, parseWaitSeconds, readScanInput, scanRequest, type ScanInput } from '../add/request';
import { askAnswers, type Prompts } from '../add/answers';
import { batchLine, candidateTable, exitCodeFor, progressOf, resultLine } from '../add/report';

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

const terminal: Prompts = { secret: askSecret, line: async (q) => (await askLine(q)).trim() };

async function resolveSite(api: SitekeeperApi, site: string): Promise<Site> {
  if (isSiteId(site)) return { id: site, name: site };
  return pickSite(site, await searchSites(api, site));
}

/** Scans; a password-protected code asks for its password on a terminal and scans again. */
async function scanAsking(api: SitekeeperApi, siteId: string, input: ScanInput, qrPassword: string | undefined, interactive: boolean): Promise<ScanResult> {
  try {
    return await scan(api, siteId, scanRequest(input, qrPassword));
  } catch (e) {
    if (!(e instanceof CliError && e.code === 'QR_PASSWORD_REQUIRED' && interactive && !qrPassword)) throw e;
    const asked = await terminal.secret('This code is password protected. QR code password: ');
    return scan(api, siteId, scanRequest(input, asked));
  }
}

/** Follows the batch, with a progress bar on stderr when it is a terminal. */
async function followWithBar(api: SitekeeperApi, batchId: string, total: number, deadlineMs: number, showBar: boolean, nameOf: (candidateId: string) => string | undefined): Promise<BatchStatus> {
  const bar = new SingleBar({ format: 'Adding {bar} {value}/{total} {detail}', stream: process.stderr, hideCursor: true, clearOnComplete: true }, { format: '', barCompleteChar: '#', barIncompleteChar: '.' });
  if (showBar) bar.start(total, 0, { detail: '' });
  try {
    return await followBatch(api, batchId, deadlineMs, (items) => {
      if (!showBar) return;
      const { finished, detail } = progressOf(items.values(), nameOf);
      bar.update(finished, { detail });
    });
  } finally {
    if (showBar) bar.stop();
  }
}

export async function runAdd(inputArg: string, flags: AddFlags): Promise<number> {
  const server = flags.server ?? process.env.SITEKEEPER_URL ?? 'http://localhost:8080';
  const token = flags.token ?? process.env.SITEKEEPER_TOKEN;
  if (!token) throw new CliError('AUTH_REQUIRED', 'An API token is required.', TOKEN_HINT);
  const waitSeconds = parseWaitSeconds(flags.waitSeconds);
  const out = (s: string) => {
    if (!flags.json) process.stdout.write(`${s}\n`);
  };
  const interactive = process.stdin.isTTY === true && inputArg !== '-';

  const api = new SitekeeperApi(server, token);
  const input = await readScanInput(inputArg);
  const site = await resolveSite(api, flags.site);
  const result = await scanAsking(api, site.id, input, flags.qrPassword, interactive);
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
  const answers = interactive ? await askAnswers(new Set(chosen.map((c) => c.nextAction)), flags, terminal) : flags;
  const added = await addDevices(api, result.scanId, addRequest(chosen, answers, flags.idempotencyKey ?? `cli-${randomUUID()}`));

  const nameOf = (candidateId: string) => byCandidate.get(candidateId)?.name;
  const showBar = !flags.json && process.stderr.isTTY === true;
  const status = await followWithBar(api, added.batchId, chosen.length, Date.now() + waitSeconds * 1000, showBar, nameOf);

  const scannedName = (it: Pick<BatchItem, 'candidateId' | 'serial'>) => nameOf(it.candidateId) ?? it.serial ?? it.candidateId;
  if (flags.json) {
    // `name` first, then the rest of the server's item. Its name is the one from the scan (null only
    // if the scan's candidate were gone, which a batch item's foreign key rules out).
    const items = status.items.map(({ name, ...it }) => ({ name: name ?? scannedName(it), ...it }));
    process.stdout.write(`${JSON.stringify({ scanId: result.scanId, batchId: added.batchId, items })}\n`);
  } else {
    for (const it of status.items) out(resultLine(it, it.name ?? scannedName(it)));
    out(batchLine(added.batchId, status.counts));
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
