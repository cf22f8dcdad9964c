/**
 * Photo uploads of the scan route (issue 13). A photo takes a place before its upload is read, so
 * one user flooding the server neither buffers files nor decodes beyond their share: at most
 * `perUser` photos of one user and `max` of everyone are in progress on this node; beyond that the
 * answer is 429 IMAGE_DECODE_BUSY with Retry-After. Decoding itself runs in the worker pool
 * (src/qr-image/decode-pool.ts), which bounds the CPU and memory of the decodes that got a place.
 */
import type { Multipart } from '@fastify/multipart';
import { AppError } from '../../errors/app-error';
import type { DecodeImageResult } from '../../qr-image/decode-image';

/** What the places decode with: the worker pool (or a fake in tests). */
export interface PhotoDecoder {
  decode(bytes: Uint8Array): Promise<DecodeImageResult>;
  /** About how long a decode asked for now would take to finish (Retry-After). */
  expectedWaitMs(): number;
}

export interface PhotoDecodeLimits {
  perUser: number;
  max: number;
}

/** One photo's place; give it back (release) when the request is answered. */
export interface PhotoPlace {
  decode(bytes: Uint8Array): Promise<string[]>;
  release(): void;
}

export class PhotoDecodes {
  private readonly byUser = new Map<string, number>();
  private total = 0;

  constructor(private readonly decoder: PhotoDecoder, private readonly limits: PhotoDecodeLimits) {}

  /** Takes a place for one photo of this user, or throws IMAGE_DECODE_BUSY (429). */
  admit(userId: string): PhotoPlace {
    const mine = this.byUser.get(userId) ?? 0;
    if (mine >= this.limits.perUser) throw this.busy('user', this.limits.perUser);
    if (this.total >= this.limits.max) throw this.busy('server', this.limits.max);
    this.byUser.set(userId, mine + 1);
    this.total++;
    let held = true;
    return {
      decode: async (bytes) => (await this.decoder.decode(bytes)).codes.map((c) => c.text),
      release: () => {
        if (!held) return;
        held = false;
        this.total--;
        const left = (this.byUser.get(userId) ?? 1) - 1;
        if (left > 0) this.byUser.set(userId, left);
        else this.byUser.delete(userId);
      },
    };
  }

  /** Photos in progress: of one user, or of everyone. */
  inProgress(userId?: string): number {
    return userId === undefined ? this.total : (this.byUser.get(userId) ?? 0);
  }

  private busy(scope: 'user' | 'server', limit: number): AppError {
    const retryAfterSeconds = Math.min(60, Math.max(1, Math.ceil(this.decoder.expectedWaitMs() / 1000)));
    const message = scope === 'user'
      ? `You already have ${limit} photo${limit === 1 ? '' : 's'} being decoded; send this one when ${limit === 1 ? 'it has' : 'they have'} finished.`
      : 'The server is decoding as many photos as it can right now; send this one again in a moment.';
    return new AppError('IMAGE_DECODE_BUSY', message, { details: { scope, limit, retryAfterSeconds } });
  }
}

/** The multipart fields of a photo scan: the photo as a file, the QR password as a text field. */
const EXPECTED = { image: 'file', qrPassword: 'field' } as const;

/** @fastify/multipart's errors for more parts than its limits allow (app.ts: one file, a few fields). */
const TOO_MANY_PARTS = new Set(['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT', 'FST_PROTO_VIOLATION']);

function unexpected(message: string, details: Record<string, unknown>): AppError {
  return new AppError('UPLOAD_FIELD_UNKNOWN', `${message}: send the photo as the file "image" and, for a protected code, the text field "qrPassword".`, { details: { ...details, expected: EXPECTED } });
}

/**
 * Reads a photo scan's multipart parts: decodes the photo in the place given and returns the first
 * code's text. A part that is not expected (another name, a file where a text field belongs, or one
 * sent twice) is refused at once: an unread file part would otherwise stall the upload forever.
 */
export async function readPhotoScan(parts: AsyncIterable<Multipart>, place: PhotoPlace, receiveWithinMs?: number): Promise<{ text: string | undefined; qrPassword: string | undefined }> {
  const received = receiveParts(parts);
  if (!receiveWithinMs) return decodeReceived(await received, place);
  // The upload must arrive in time: a client that starts one and stalls would hold its place.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('UPLOAD_TIMEOUT', `The photo did not arrive within ${Math.round(receiveWithinMs / 1000)} s.`, { details: { seconds: Math.round(receiveWithinMs / 1000) } })), receiveWithinMs);
  });
  received.catch(() => undefined); // lost the race: its later error (the connection closed) is nobody's
  try {
    return decodeReceived(await Promise.race([received, late]), place);
  } finally {
    clearTimeout(timer);
  }
}

async function decodeReceived(r: { file: Buffer | undefined; qrPassword: string | undefined }, place: PhotoPlace): Promise<{ text: string | undefined; qrPassword: string | undefined }> {
  if (!r.file) return { text: undefined, qrPassword: r.qrPassword };
  const codes = await place.decode(r.file);
  if (codes.length === 0) throw new AppError('QR_NOT_FOUND');
  return { text: codes[0], qrPassword: r.qrPassword };
}

/** Reads every part (refusing unexpected ones at once); decoding waits until the upload is in. */
async function receiveParts(parts: AsyncIterable<Multipart>): Promise<{ file: Buffer | undefined; qrPassword: string | undefined }> {
  let file: Buffer | undefined;
  let qrPassword: string | undefined;
  const seen = new Set<string>();
  try {
    for await (const part of parts) {
      const expected = (EXPECTED as Record<string, string | undefined>)[part.fieldname];
      const details = { field: part.fieldname, type: part.type };
      if (expected !== part.type) {
        throw unexpected(`The upload's ${part.type === 'file' ? 'file' : 'field'} ${expected ? `"${part.fieldname}" must be a ${expected === 'file' ? 'file' : 'text field'}` : `"${part.fieldname}" is not expected here`}`, details);
      }
      if (seen.has(part.fieldname)) throw unexpected(`The upload has "${part.fieldname}" more than once`, details);
      seen.add(part.fieldname);
      if (part.type === 'file') {
        file = await part.toBuffer();
      } else {
        qrPassword = String(part.value);
      }
    }
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && TOO_MANY_PARTS.has(code)) throw unexpected('The upload has more parts than a photo scan takes', { problem: code });
    throw e;
  }
  return { file, qrPassword };
}
