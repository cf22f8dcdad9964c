import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SitekeeperApi } from './client';
import { followBatch, type BatchItem, type BatchStatus } from './onboarding';

const item = (o: Partial<BatchItem>): BatchItem => ({
  id: 'i1', candidateId: 'c1', name: 'Gate', serial: 'J1', state: 'running', step: 'activating', deviceId: null, error: null, pendingUntil: null, guidance: [], latestRetry: null, ...o,
});
const status = (items: BatchItem[], settled: boolean): BatchStatus => ({ batchId: 'b1', siteId: 's1', scanId: 'x1', settled, done: settled, counts: {}, items });

describe('followBatch (against a loopback server)', () => {
  let server: Server;
  let api: SitekeeperApi;
  let events: (res: ServerResponse) => void = (res) => res.end();
  let polls: BatchStatus[] = [];
  let pollCount = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/api/batches/b1/events') return events(res);
      pollCount++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(polls.shift()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = new SitekeeperApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 't');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reports each item event, stops at settled, then reads the final status once', async () => {
    events = (res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: item\ndata: ${JSON.stringify(item({}))}\n\n`);
      res.write(`event: batch\ndata: {}\n\nevent: item\ndata: ${JSON.stringify(item({ state: 'added', step: 'done' }))}\n\n`);
      res.end('event: settled\ndata: {}\n\n');
    };
    polls = [status([item({ state: 'added', step: 'done' })], true)];
    pollCount = 0;
    const seen: string[] = [];
    const final = await followBatch(api, 'b1', Date.now() + 60_000, (items) => seen.push([...items.values()].map((i) => i.state).join()));
    expect(seen).toEqual(['running', 'added', 'added']);
    expect(final.settled).toBe(true);
    expect(pollCount).toBe(1);
  });

  it('a broken stream is not a failed add: it polls until the batch settles', async () => {
    events = (res) => res.writeHead(503).end('down');
    polls = [status([item({})], false), status([item({ state: 'pending', step: 'waiting_online' })], true)];
    pollCount = 0;
    const final = await followBatch(api, 'b1', Date.now() + 60_000, () => undefined);
    expect(final.items[0]!.state).toBe('pending');
    expect(pollCount).toBe(2);
  });

  it('a refused stream (4xx) is the answer', async () => {
    events = (res) => res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":{"code":"FORBIDDEN","message":"Not yours.","hint":""}}');
    await expect(followBatch(api, 'b1', Date.now() + 60_000, () => undefined)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it('past the deadline it returns the status as it is', async () => {
    events = (res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).write(': open\n\n'); // never settles
    polls = [status([item({})], false)];
    pollCount = 0;
    const final = await followBatch(api, 'b1', Date.now() + 100, () => undefined);
    expect(final.settled).toBe(false);
    expect(pollCount).toBe(1);
  });
});
