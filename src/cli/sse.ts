/**
 * A small Server-Sent Events parser (the subset of the WHATWG event-stream format the platform
 * sends, plus what other servers commonly send): `event:`, `data:` (several lines are joined with
 * "\n"), `id:`, `retry:`, comments (`:`), LF / CRLF / CR line ends, and chunks that split anywhere,
 * even inside a line or a UTF-8 character.
 */

export interface SseEvent {
  /** `message` when the server gave no `event:` field. */
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** Longest line kept while waiting for its end; a stream that exceeds it is not one we can trust. */
const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  #retry: number | undefined;
  #sawCr = false;
  readonly #maxLineChars: number;

  constructor(opts: { maxLineChars?: number } = {}) {
    this.#maxLineChars = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  }

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let s = text;
    // A CR at the end of the previous chunk already ended its line; a LF right after belongs to it.
    if (this.#sawCr && s.startsWith('\n')) s = s.slice(1);
    this.#sawCr = false;
    this.#buffer += s;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const ch = this.#buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.#line(this.#buffer.slice(start, i), out);
      if (ch === 13) {
        if (i + 1 < this.#buffer.length) {
          if (this.#buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#sawCr = true;
        }
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
    if (this.#buffer.length > this.#maxLineChars) throw new Error(`Server-Sent Events line longer than ${this.#maxLineChars} characters.`);
    return out;
  }

  /** End of stream: an event without its closing blank line is dropped, as the format says. */
  end(): void {
    this.#buffer = '';
    this.#sawCr = false;
    this.#reset();
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.#data.length > 0) {
        out.push({
          event: this.#event || 'message',
          data: this.#data.join('\n'),
          ...(this.#id !== undefined ? { id: this.#id } : {}),
          ...(this.#retry !== undefined ? { retry: this.#retry } : {}),
        });
      }
      this.#reset();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#event = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        // Unknown fields are ignored.
        break;
    }
  }

  #reset(): void {
    this.#event = '';
    this.#data = [];
    this.#retry = undefined;
    // Reported only on the event that carries it (we do not reconnect with Last-Event-ID).
    this.#id = undefined;
  }
}

/** Reads a byte stream (e.g. `fetch` response body) as events. */
export async function* readSse(body: AsyncIterable<Uint8Array>, opts: { maxLineChars?: number } = {}): AsyncGenerator<SseEvent> {
  const parser = new SseParser(opts);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of body) {
    for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) yield ev;
  }
  for (const ev of parser.push(decoder.decode())) yield ev;
  parser.end();
}
