import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxiedTestDatabase } from '../../../test/helpers/database';
import type { TcpProxy } from '../../../test/helpers/tcp-proxy';
import { eventually } from '../../../test/helpers/wait';
import { JobQueue, completionStatements } from './job-queue';
import { JOB_NAMES, type JobHandlers } from './job-types';

describe('job queue: a database lost while a job is recorded', () => {
  let db: Awaited<ReturnType<typeof proxiedTestDatabase>>;
  let proxy: TcpProxy;
  let queue: JobQueue;
  const logged: Array<{ level: number; msg: string }> = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    db = await proxiedTestDatabase();
    proxy = db.proxy;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    queue = new JobQueue({ connectionString: db.url, poolMax: 2, pollingIntervalSeconds: 0.5, logger: pino({ level: 'warn' }, sink) });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await queue?.stop(2_000).catch(() => undefined);
    await db?.close();
  });

  it('recognises pg-boss statements that record outcomes', () => {
    const statements = [...completionStatements('pgboss')];
    expect(statements).toHaveLength(2);
    for (const sql of statements) expect(sql).toContain('pgboss.job');
  });

  it('is logged, not an unhandled rejection, and the job stays active to run again', async () => {
    let ran = 0;
    const noop = async () => undefined;
    const handlers = Object.fromEntries(JOB_NAMES.map((n) => [n, noop])) as unknown as JobHandlers;
    handlers['system.ping'] = async () => {
      ran++;
      // The database goes away between the job's work and pg-boss recording it as completed.
      await proxy.cut();
    };
    await queue.start(handlers);
    const id = await queue.send('system.ping', { nonce: 'cut-mid-job' });
    expect(id).toBeTruthy();

    await eventually(async () => logged.some((l) => l.msg.startsWith('job outcome not recorded')), 'the lost completion to be logged', 20_000);
    expect(ran).toBe(1);
    await proxy.restore();
    // Not completed: it expires and runs again (handlers are idempotent).
    await eventually(async () => (await queue.getState('system.ping', id!).catch(() => undefined)) === 'active', 'the job state to be readable', 20_000);
    expect(unhandled).toEqual([]);
  });
});
