/**
 * `sitekeeper qr decode <image...> [--json]`   every QR code in each image, one JSON line per image
 * `sitekeeper qr parse <text|-> [--json] [--password P]`   classify device QR text
 * `sitekeeper qr encode <kind> ...`   write a device QR as PNG / SVG, or print it to the terminal
 */
import { readFile, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { AppError, isAppError } from '../../errors/app-error';
import {
  classifyQr,
  encodeDeviceListQr,
  encodeLabelQr,
  encodeSitekeeperQr,
  splitIntoParts,
  type ClassifiedQr,
  type ListedDevice,
  type SitekeeperDevice,
} from '../../protocol/qr';
import { decodeImageBuffer } from '../../qr-image/decode-image';
import { renderQrPng, renderQrSvg, renderQrTerminal } from '../../qr-image/render';
import { askSecret, readStdinText } from '../prompts';

const MAX_STDIN_BYTES = 1024 * 1024;

const readStdin = () => readStdinText(MAX_STDIN_BYTES, () => new AppError('QR_TOO_LARGE', 'The input on stdin is larger than 1 MB.'));

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

// ---- decode -----------------------------------------------------------------------------------

async function decodeCommand(files: string[], flags: { json?: boolean }): Promise<void> {
  let failed = false;
  for (const file of files) {
    const t0 = performance.now();
    try {
      let buf: Buffer;
      try {
        buf = await readFile(file);
      } catch (e) {
        throw new AppError('IMAGE_UNREADABLE', `Cannot read ${file}.`, { cause: e });
      }
      const r = await decodeImageBuffer(buf);
      const ms = round1(performance.now() - t0);
      const codes = r.codes.map((c) => ({ text: c.text, position: c.position }));
      if (flags.json) process.stdout.write(`${JSON.stringify({ file, codes, ms })}\n`);
      else {
        process.stdout.write(`${file}: ${codes.length} code${codes.length === 1 ? '' : 's'} (${ms} ms)\n`);
        for (const c of codes) {
          const p = c.position.topLeft;
          process.stdout.write(`  at (${Math.round(p.x)}, ${Math.round(p.y)}): ${JSON.stringify(c.text)}\n`);
        }
      }
    } catch (e) {
      failed = true;
      const err = isAppError(e) ? e : new AppError('IMAGE_UNREADABLE', undefined, { cause: e });
      const ms = round1(performance.now() - t0);
      if (flags.json) process.stdout.write(`${JSON.stringify({ file, codes: [], ms, error: { code: err.code, message: err.message } })}\n`);
      else process.stderr.write(`${file}: error ${err.code}: ${err.message}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

// ---- parse ------------------------------------------------------------------------------------

function describe(q: ClassifiedQr): string {
  switch (q.kind) {
    case 'label':
      return `Device label: serial ${q.serial}, verification code ${q.verificationCode}, model ${q.model}, domain ${q.domain}`;
    case 'serial':
      return `Serial number: ${q.serial}`;
    case 'device-list': {
      const head = `Multi-device QR (${q.header})${q.timestamp !== undefined ? `, exported ${new Date(q.timestamp * 1000).toISOString()}` : ''}`;
      if (q.locked) return `${head}: password protected`;
      const lines = q.devices.map((d) => `  ${d.name}  ${d.host}:${d.port}  user ${d.user}`);
      return [`${head}: ${q.devices.length} device(s)`, ...lines, ...q.warnings.map((w) => `warning: ${w}`)].join('\n');
    }
    case 'sitekeeper':
      if (q.locked) return 'Sitekeeper device QR: encrypted';
      return [`Sitekeeper device QR${q.encrypted ? ' (encrypted)' : ''}: ${q.devices.length} device(s)`, ...q.devices.map((d) => `  ${d.name ?? ''}  ${d.serial ?? `${d.host ?? ''}:${d.port ?? ''}`}`)].join('\n');
    case 'sitekeeper-part':
      return `Part ${q.index} of ${q.total} of a Sitekeeper device QR (set ${q.setId}); scan all parts`;
  }
}

async function parseCommand(input: string, flags: { json?: boolean; password?: string }): Promise<void> {
  const fromStdin = input === '-';
  const text = fromStdin ? await readStdin() : input;
  const now = new Date();
  let q = classifyQr(text, { now, ...(flags.password !== undefined ? { password: flags.password } : {}) });
  if ('locked' in q && q.locked) {
    if (fromStdin || !process.stdin.isTTY) throw new AppError('QR_PASSWORD_REQUIRED', undefined, { hint: 'Pass the password with --password.' });
    const password = await askSecret('QR code password: ');
    q = classifyQr(text, { now, password });
  }
  process.stdout.write(flags.json ? `${JSON.stringify(q)}\n` : `${describe(q)}\n`);
}

// ---- encode -----------------------------------------------------------------------------------

interface OutFlags {
  out?: string;
  format?: string;
  ecc?: string;
}

async function emit(texts: string[], flags: OutFlags): Promise<void> {
  const format = flags.format ?? (flags.out ? extname(flags.out).slice(1).toLowerCase() : 'terminal');
  if (!['png', 'svg', 'terminal', 'text'].includes(format)) throw new AppError('VALIDATION_FAILED', '--format must be png, svg, terminal or text.');
  const ecc = (flags.ecc ?? 'M').toUpperCase();
  if (!['L', 'M', 'Q', 'H'].includes(ecc)) throw new AppError('VALIDATION_FAILED', '--ecc must be L, M, Q or H.');
  const opts = { ecc: ecc as 'L' | 'M' | 'Q' | 'H' };
  for (const [i, text] of texts.entries()) {
    const label = texts.length > 1 ? `part ${i + 1} of ${texts.length}` : '';
    if (format === 'text') {
      process.stdout.write(`${text}\n`);
      continue;
    }
    if (format === 'terminal' && !flags.out) {
      if (label) process.stdout.write(`${label}\n`);
      process.stdout.write(await renderQrTerminal(text, opts));
      continue;
    }
    if (!flags.out) throw new AppError('VALIDATION_FAILED', `--out is required for ${format}.`);
    const ext = extname(flags.out);
    const file = texts.length > 1 ? `${flags.out.slice(0, flags.out.length - ext.length)}-${i + 1}${ext}` : flags.out;
    if (format === 'png') await writeFile(file, await renderQrPng(text, opts));
    else if (format === 'svg') await writeFile(file, await renderQrSvg(text, opts));
    else await writeFile(file, await renderQrTerminal(text, opts));
    process.stderr.write(`wrote ${file}${label ? ` (${label})` : ''}\n`);
  }
}

async function readJsonArg(arg: string): Promise<unknown> {
  const text = arg === '-' ? await readStdin() : await readFile(arg, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', 'The device list is not valid JSON.', { cause: e });
  }
}

function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('-o, --out <file>', 'write to this file (.png or .svg); several parts get -1, -2, … suffixes')
    .option('--format <format>', 'png | svg | terminal | text (default: from --out, else terminal)')
    .option('--ecc <level>', 'error correction L | M | Q | H', 'M');
}

export function register(program: Command): void {
  const qr = program.command('qr').description('Device QR codes: decode photos, parse and generate codes');

  qr.command('decode')
    .description('Find every QR code in the images (JPEG, PNG, WebP)')
    .argument('<image...>', 'image files')
    .option('--json', 'one JSON line per image: {"file","codes":[{"text","position"}],"ms"}')
    .action((files: string[], flags: { json?: boolean }) => decodeCommand(files, flags));

  qr.command('parse')
    .description('Classify QR text (label, serial, multi-device export, Sitekeeper code)')
    .argument('<text>', 'the QR text, or - to read it from stdin')
    .option('--json', 'print the classification as JSON')
    .option('--password <password>', 'password of a protected multi-device or encrypted Sitekeeper code')
    .action((text: string, flags: { json?: boolean; password?: string }) => parseCommand(text, flags));

  const encode = qr.command('encode').description('Generate a device QR code');

  addOutputOptions(
    encode
      .command('label')
      .description('A device label QR (domain, serial, verification code, model)')
      .requiredOption('--serial <serial>', 'device serial')
      .requiredOption('--code <verificationCode>', 'verification code')
      .requiredOption('--model <model>', 'model name')
      .option('--domain <domain>', 'cloud domain printed on the label', 'www.hik-connect.com')
      .option('--extra <field>', 'fifth field of the 5-field variant'),
  ).action((flags: OutFlags & { serial: string; code: string; model: string; domain: string; extra?: string }) =>
    emit([encodeLabelQr({ domain: flags.domain, serial: flags.serial, verificationCode: flags.code, model: flags.model, ...(flags.extra ? { extra: flags.extra } : {}) })], flags),
  );

  addOutputOptions(
    encode
      .command('sitekeeper')
      .description('A Sitekeeper device QR from a JSON list of devices ({serial, verificationCode, …} or {host, port, user, password})')
      .argument('<devices.json>', 'JSON file with an array of devices (or {devices, note}), - for stdin')
      .option('--password <password>', 'encrypt the code with this password (recommended)')
      .option('--plain', 'do not encrypt (anyone who sees the code can read the credentials)'),
  ).action(async (file: string, flags: OutFlags & { password?: string; plain?: boolean }) => {
    if (!flags.password && !flags.plain) throw new AppError('QR_ENCODE_INVALID', 'Choose --password <password> (recommended) or --plain.');
    const json = await readJsonArg(file);
    const payload = (Array.isArray(json) ? { devices: json } : json) as { devices: SitekeeperDevice[]; note?: string };
    const text = encodeSitekeeperQr(payload, flags.password ? { password: flags.password } : {});
    await emit(splitIntoParts(text), flags);
  });

  addOutputOptions(
    encode
      .command('device-list')
      .description('An iVMS-4200 / Hik-Connect multi-device QR from a JSON list of {name, host, port, user, password}')
      .argument('<devices.json>', 'JSON file with an array of devices, - for stdin')
      .option('--qr-password <password>', 'password the scanning user must type')
      .option('--no-timestamp', 'leave out the export time'),
  ).action(async (file: string, flags: OutFlags & { qrPassword?: string; timestamp: boolean }) => {
    const json = await readJsonArg(file);
    if (!Array.isArray(json)) throw new AppError('VALIDATION_FAILED', 'The device list must be a JSON array.');
    const text = encodeDeviceListQr(json as ListedDevice[], {
      ...(flags.qrPassword ? { password: flags.qrPassword } : {}),
      ...(flags.timestamp ? { timestamp: Math.floor(Date.now() / 1000) } : {}),
    });
    await emit([text], flags);
  });

  addOutputOptions(encode.command('text').description('Any text as a QR code').argument('<text>', 'the text')).action((text: string, flags: OutFlags) => emit([text], flags));
}
