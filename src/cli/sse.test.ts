import { describe, expect, it } from 'vitest';
import { readSse, SseParser, type SseEvent } from './sse';

function parseAll(chunks: string[]): SseEvent[] {
  const p = new SseParser();
  return chunks.flatMap((c) => p.push(c));
}

const STREAM = 'event: item\ndata: {"id":1}\n\nevent: batch\ndata: {"settled":false}\n\n: a comment\nevent: settled\ndata: {"done":true}\n\n';

describe('SseParser', () => {
  it('parses named events with JSON data', () => {
    const evs = parseAll([STREAM]);
    expect(evs.map((e) => e.event)).toEqual(['item', 'batch', 'settled']);
    expect(JSON.parse(evs[2]!.data)).toEqual({ done: true });
  });

  it('gives the same events however the stream is split (every split point, one char at a time)', () => {
    const whole = parseAll([STREAM]);
    for (let i = 1; i < STREAM.length; i++) expect(parseAll([STREAM.slice(0, i), STREAM.slice(i)])).toEqual(whole);
    expect(parseAll([...STREAM])).toEqual(whole);
  });

  it('accepts CRLF and CR line ends, also when a CRLF is split across chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    const cr = STREAM.replace(/\n/g, '\r');
    const whole = parseAll([STREAM]);
    expect(parseAll([crlf])).toEqual(whole);
    expect(parseAll([cr])).toEqual(whole);
    const at = crlf.indexOf('\r\n') + 1;
    expect(parseAll([crlf.slice(0, at), crlf.slice(at)])).toEqual(whole);
  });

  it('joins several data lines, defaults the event name, keeps id and retry, ignores unknown fields', () => {
    expect(parseAll(['data: a\ndata:b\nid: 7\nretry: 1500\nfoo: bar\n\n'])).toEqual([{ event: 'message', data: 'a\nb', id: '7', retry: 1500 }]);
  });

  it('drops an event without data and an unfinished event at the end of the stream', () => {
    const p = new SseParser();
    expect(p.push('event: lonely\n\nevent: item\ndata: {"x":1}')).toEqual([]);
    p.end();
    expect(p.push('\n\n')).toEqual([]);
  });

  it('refuses a line longer than the limit', () => {
    const p = new SseParser({ maxLineChars: 10 });
    expect(() => p.push('data: 0123456789abc')).toThrow(/longer than 10/);
  });
});

describe('readSse', () => {
  it('reads a byte stream, including a UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('event: item\ndata: {"name":"Caméra"}\n\n');
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    async function* body() {
      yield bytes.slice(0, split);
      yield bytes.slice(split);
    }
    const evs: SseEvent[] = [];
    for await (const e of readSse(body())) evs.push(e);
    expect(evs).toEqual([{ event: 'item', data: '{"name":"Caméra"}' }]);
  });
});
