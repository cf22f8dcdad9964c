/**
 * Reading what the user gives the CLI besides its arguments: text piped on stdin, and answers
 * typed on the terminal (secrets never echoed).
 */
import { createInterface } from 'node:readline/promises';
import { CliError } from './cli-error';

/** All of stdin as UTF-8; `tooLarge()` is thrown as soon as more than `maxBytes` arrive. */
export async function readStdinText(maxBytes: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > maxBytes) throw tooLarge();
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

/** Reads a line from the terminal (echoed), as typed. The question goes to stderr so stdout stays the result. */
export async function askLine(question: string, opts: { terminal?: boolean } = {}): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, ...(opts.terminal !== undefined ? { terminal: opts.terminal } : {}) });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
