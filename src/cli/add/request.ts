/** From `sitekeeper add`'s argument and flags to the requests it sends. */
import { stat, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CliError } from '../cli-error';
import { readStdinText } from '../prompts';
import type { AddRequest, Candidate, ScanRequest } from '../api/onboarding';

const MAX_STDIN_BYTES = 64 * 1024;
const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** The code to scan: its text, or a photo of it for the server to decode. */
export type ScanInput = { text: string } | { image: { name: string; bytes: Buffer } };

/** `-` reads the text from stdin; a path to a file is a photo; anything else is the text itself. */
export async function readScanInput(arg: string): Promise<ScanInput> {
  if (arg === '-') {
    if (process.stdin.isTTY) throw new CliError('VALIDATION_FAILED', 'Nothing on stdin.', 'Pipe the QR text in (… | sitekeeper add --site S -), or pass it as an argument.');
    const text = await readStdinText(MAX_STDIN_BYTES, () => new CliError('QR_TOO_LARGE', 'The QR text on stdin is larger than 64 KB.', 'Pass the text of one QR code.'));
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

/** The body of POST /api/sites/:id/scans: JSON for text, multipart for a photo. */
export function scanRequest(input: ScanInput, qrPassword: string | undefined): ScanRequest {
  if ('image' in input) {
    const form = new FormData();
    if (qrPassword) form.append('qrPassword', qrPassword);
    form.append('image', new Blob([new Uint8Array(input.image.bytes)]), input.image.name);
    return form;
  }
  return { text: input.text, ...(qrPassword ? { qrPassword } : {}) };
}

/** What the chosen devices need answered; empty answers are left out. */
export interface Answers {
  verificationCode?: string | undefined;
  adminPassword?: string | undefined;
  devicePassword?: string | undefined;
}

/** The body of POST /api/scans/:id/add. */
export function addRequest(chosen: Array<Pick<Candidate, 'id'>>, answers: Answers, idempotencyKey: string): AddRequest {
  return {
    // The schema wants at least one; the flow never adds none, and the server says so if it did.
    candidateIds: chosen.map((c) => c.id) as AddRequest['candidateIds'],
    idempotencyKey,
    ...(answers.verificationCode ? { verificationCode: answers.verificationCode } : {}),
    ...(answers.adminPassword ? { adminPassword: answers.adminPassword } : {}),
    ...(answers.devicePassword ? { devicePassword: answers.devicePassword } : {}),
  };
}

/** `--wait-seconds`: how long to follow the progress. */
export function parseWaitSeconds(value: string | undefined): number {
  const waitSeconds = Number(value ?? '900');
  if (!Number.isFinite(waitSeconds) || waitSeconds < 1) throw new CliError('VALIDATION_FAILED', '--wait-seconds must be a positive number.', 'Pass a whole number of seconds, e.g. --wait-seconds 900.');
  return waitSeconds;
}
