/**
 * The job registry: one entry per job name with its payload type. Adding a job = adding it here
 * and passing a handler for it to the JobQueue (a missing or duplicate handler stops startup).
 */
export interface JobPayloads {
  /** Trivial job proving the queue works on the configured backend. */
  'system.ping': { nonce: string };
}

export type JobName = keyof JobPayloads;

export const JOB_NAMES: readonly JobName[] = ['system.ping'];

export type JobHandler<N extends JobName> = (data: JobPayloads[N], ctx: { jobId: string }) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };
