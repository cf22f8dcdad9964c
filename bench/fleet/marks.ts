/** Resource marks a benchmark child records on request from the orchestrator (over IPC). */
export interface Mark {
  name: string;
  at: number;
  cpuUserMicros: number;
  cpuSystemMicros: number;
  rssBytes: number;
}

export function mark(name: string): Mark {
  const cpu = process.cpuUsage();
  return { name, at: Date.now(), cpuUserMicros: cpu.user, cpuSystemMicros: cpu.system, rssBytes: process.memoryUsage().rss };
}

export type ParentMessage = { type: 'mark'; name: string } | { type: 'report' } | { type: 'go' } | { type: 'exit' };

export function send(msg: unknown): void {
  process.send?.(msg);
}
