/**
 * Durable jobs on PostgreSQL through pg-boss (same database, same code path on PGlite and on a real
 * server). Handlers are idempotent: a crash mid-job means the job runs again.
 */
import PgBoss from 'pg-boss';
import pg from 'pg';
// pg-boss's SQL builders (no exports map: a plain module of functions), to recognise its statements.
import plans from 'pg-boss/src/plans.js';
import type { Logger } from 'pino';
import { JOB_CONCURRENCY, JOB_NAMES, type JobHandlers, type JobName, type JobPayloads } from './job-types';

export interface JobQueueOptions {
  connectionString: string;
  /** pg-boss pool size; small on the embedded database. */
  poolMax: number;
  pollingIntervalSeconds: number;
  logger: Logger;
}

export interface SendOptions {
  /** Only one queued job with this key at a time (idempotent enqueue). */
  singletonKey?: string;
  startAfterSeconds?: number;
  retryLimit?: number;
}

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #opts: JobQueueOptions;
  /**
   * The queue's own connections, handed to pg-boss as its `db`. pg-boss would end its pool while
   * idle workers still wait for a connection to fetch (their queries then never settle and the
   * process never exits); owning the pool lets stop() refuse new queries and let the running ones
   * finish before it ends the pool.
   */
  readonly #pool: pg.Pool;
  /** Queries and job batches in flight: stop() ends the pool only once both are done. */
  readonly #running = new Set<Promise<unknown>>();
  #started = false;
  #closing = false;

  constructor(opts: JobQueueOptions) {
    this.#opts = opts;
    this.#pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.poolMax, application_name: 'pgboss' });
    this.#pool.on('error', (err: Error) => opts.logger.error({ err }, 'job queue connection error'));
    const completions = completionStatements(PGBOSS_SCHEMA);
    const db = {
      executeSql: (text: string, values?: unknown[]) => {
        const query = this.#pool.query(text, values);
        this.#running.add(query);
        void query.catch(() => undefined).finally(() => this.#running.delete(query));
        if (!completions.has(text)) return query;
        // pg-boss's worker records a batch's outcome without awaiting it (pg-boss 10.x Manager.work:
        // `this.complete(...)` / `this.fail(...)`): a connection lost at that moment would be an
        // unhandled rejection. The outcome is simply not recorded: the job stays active, expires and
        // runs again — handlers are idempotent — so it is logged, not thrown.
        return query.catch((err: unknown) => {
          opts.logger.warn({ err }, 'job outcome not recorded (database unreachable); the job runs again after it expires');
          return { rows: [{ count: '0' }], rowCount: 0 };
        });
      },
    };
    this.#boss = new PgBoss({ db, schema: PGBOSS_SCHEMA, supervise: true, maintenanceIntervalSeconds: 120 });
    this.#boss.on('error', (err: Error) => {
      if (!this.#closing) opts.logger.error({ err }, 'job queue error');
    });
  }

  /** Starts the queue and its workers; refuses to start unless every job has exactly one handler. */
  async start(handlers: JobHandlers): Promise<void> {
    checkHandlers(handlers);
    await this.#boss.start();
    this.#started = true;
    for (const name of JOB_NAMES) {
      await this.#boss.createQueue(name);
      const handler = handlers[name] as (data: unknown, ctx: { jobId: string }) => Promise<void>;
      // Several pollers, each running its fetched batch concurrently: bounded parallelism per node.
      const workers = Math.max(1, Math.ceil(JOB_CONCURRENCY[name] / 8));
      const batchSize = Math.min(8, JOB_CONCURRENCY[name]);
      for (let w = 0; w < workers; w++) {
        await this.#boss.work<unknown>(name, { batchSize, pollingIntervalSeconds: this.#opts.pollingIntervalSeconds }, async (jobs) => {
          const batch = Promise.allSettled(jobs.map((job) => handler(job.data, { jobId: job.id })));
          this.#running.add(batch);
          const results = await batch.finally(() => this.#running.delete(batch));
          const failed = results.find((r) => r.status === 'rejected');
          if (failed) throw (failed).reason;
        });
      }
    }
  }

  async send<N extends JobName>(name: N, data: JobPayloads[N], opts: SendOptions = {}): Promise<string | null> {
    return this.#boss.send(name, data as object, {
      ...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {}),
      ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
      retryLimit: opts.retryLimit ?? 3,
      retryBackoff: true,
    });
  }

  /** Many jobs of one kind in one insert. */
  async sendMany<N extends JobName>(name: N, items: Array<JobPayloads[N]>, opts: Pick<SendOptions, 'retryLimit'> = {}): Promise<void> {
    if (items.length === 0) return;
    await this.#boss.insert(items.map((data) => ({ name, data: data as object, retryLimit: opts.retryLimit ?? 3, retryBackoff: true })));
  }

  async getState(name: JobName, id: string): Promise<string | undefined> {
    const job = await this.#boss.getJobById(name, id);
    return job?.state;
  }

  /** Stop taking jobs and wait (bounded) for running ones to finish. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.#closing) return;
    if (this.#started) {
      this.#started = false;
      await this.#boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
    }
    // Workers still waiting on a fetch get their answer, run what they fetched, complete it and
    // stop. Quiet means nothing in flight across a timer turn (a batch's completion query is sent
    // a few microtasks after the batch settles).
    this.#closing = true;
    const deadline = Date.now() + timeoutMs;
    const turn = () => new Promise((r) => setTimeout(r, 50));
    let quietTurns = 0;
    while (quietTurns < 2 && Date.now() < deadline) {
      if (this.#running.size > 0) {
        quietTurns = 0;
        await Promise.race([Promise.allSettled([...this.#running]), turn()]);
      } else {
        quietTurns++;
        await turn();
      }
    }
    await this.#pool.end();
  }
}

const PGBOSS_SCHEMA = 'pgboss';

/** The statements by which pg-boss's workers record a job's outcome (complete / fail). */
export function completionStatements(schema: string): Set<string> {
  return new Set([plans.completeJobs(schema), plans.failJobsById(schema)]);
}

export function checkHandlers(handlers: Partial<Record<string, unknown>>): void {
  const missing = JOB_NAMES.filter((n) => typeof handlers[n] !== 'function');
  const unknown = Object.keys(handlers).filter((n) => !(JOB_NAMES as readonly string[]).includes(n));
  const duplicates = JOB_NAMES.filter((n, i) => JOB_NAMES.indexOf(n) !== i);
  const problems = [
    ...missing.map((n) => `no handler for job "${n}"`),
    ...unknown.map((n) => `handler for unknown job "${n}"`),
    ...duplicates.map((n) => `job "${n}" is registered twice`),
  ];
  if (problems.length > 0) throw new Error(`Job registry is inconsistent: ${problems.join('; ')}`);
}
