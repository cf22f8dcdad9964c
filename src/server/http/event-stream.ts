/**
 * Serves a long-lived stream (onboarding progress, live notifications) as Server-Sent Events: the
 * caller's credentials as the access plugin took them (a bearer token before the cookie), so the
 * stream can check the same ones again; the client's leaving heard before anything is awaited (a
 * client that leaves while the stream is being opened must not keep its slot until the stream's
 * time runs out); refusals (429 PROGRESS_STREAMS_LIMIT) thrown before anything is sent.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Credentials } from '../lib/streams';
import { SESSION_COOKIE } from './access';

export interface EventStream {
  run(send: (event: string, data: unknown) => void, signal: AbortSignal): Promise<unknown>;
}

export async function serveEventStream(req: FastifyRequest, reply: FastifyReply, open: (credentials: Credentials) => Promise<EventStream>): Promise<void> {
  const authz = req.headers.authorization;
  const credentials: Credentials = authz?.startsWith('Bearer ') ? { apiToken: authz.slice(7).trim() } : { sessionToken: req.cookies[SESSION_COOKIE] ?? '' };
  const gone = new AbortController();
  const res = reply.raw;
  res.on('close', () => gone.abort()); // the connection closed (or the response ended)
  const stream = await open(credentials);
  reply.hijack();
  if (req.raw.socket?.destroyed) gone.abort();
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-correlation-id': req.id });
  await stream.run((event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`), gone.signal);
  res.end();
}
