/** What `sitekeeper add` prints: the candidate table, progress, one result line per device, the exit code (pure). */
import { formatTable } from '../table';
import type { BatchItem, Candidate } from '../api/onboarding';

function stateOf(c: Pick<Candidate, 'alreadyAdded' | 'online' | 'activated' | 'cloudEnabled'>): string {
  if (c.alreadyAdded) return c.alreadyAdded === 'this_site' ? 'already on this site' : c.alreadyAdded === 'other_site' ? 'on another site' : 'in another company';
  if (!c.online) return 'offline';
  const parts = ['online'];
  if (c.activated === false) parts.push('not activated');
  if (c.cloudEnabled === false) parts.push('cloud off');
  return parts.join(', ');
}

const ACTION_TEXT: Record<Candidate['nextAction'], string> = {
  add: 'add',
  activate: 'activate (admin password)',
  enable_cloud: 'enable cloud (verification code)',
  enter_verification_code: 'verification code',
  enter_password: 'device password',
  connect_to_network: 'connect to network',
  none: '-',
};

type Row = Pick<Candidate, 'name' | 'serial' | 'alreadyAdded' | 'online' | 'activated' | 'cloudEnabled' | 'nextAction' | 'error'>;

export function candidateTable(cands: Row[]): string {
  return formatTable(
    ['NAME', 'SERIAL', 'STATE', 'NEXT', 'PROBLEM'],
    // The server may add an action before this CLI knows its words: show its name.
    cands.map((c) => [c.name, c.serial ?? '-', stateOf(c), (ACTION_TEXT as Partial<Record<string, string>>)[c.nextAction] ?? c.nextAction, c.error ? `${c.error.code}: ${c.error.message}` : '']),
  );
}

/** Item states after which a device's add is over in this batch. */
const FINISHED = new Set(['added', 'already_added', 'failed', 'needs_action']);

/** The progress bar's position (devices finished or waiting offline) and detail (the device being worked on). */
export function progressOf(items: Iterable<Pick<BatchItem, 'candidateId' | 'state' | 'step'>>, nameOf: (candidateId: string) => string | undefined): { finished: number; detail: string } {
  const list = [...items];
  const finished = list.filter((i) => FINISHED.has(i.state) || i.state === 'pending').length;
  const running = list.find((i) => i.state === 'running');
  return { finished, detail: running ? `${nameOf(running.candidateId) ?? ''} ${running.step}` : '' };
}

/** One line (plus a hint line) per device, for people. */
export function resultLine(item: Pick<BatchItem, 'serial' | 'state' | 'step' | 'error'>, name: string): string {
  const who = item.serial && item.serial !== name ? `${name} (${item.serial})` : name;
  switch (item.state) {
    case 'added':
      return `added          ${who}`;
    case 'already_added':
      return `already added  ${who}`;
    case 'pending':
      return `pending        ${who}: offline, Sitekeeper adds it by itself when it comes online`;
    case 'failed':
    case 'needs_action': {
      const label = item.state === 'failed' ? 'failed        ' : 'needs action  ';
      const err = item.error;
      return `${label} ${who}: ${err ? `${err.code}: ${err.message}` : 'no reason given'}${err?.hint ? `\n               hint: ${err.hint}` : ''}`;
    }
    default:
      return `${item.state.padEnd(14)} ${who}: still ${item.step || 'running'}`;
  }
}

/** The last line: `Batch <id>: 1 added, 1 needs action.` */
export function batchLine(batchId: string, counts: Record<string, number>): string {
  return `Batch ${batchId}: ${Object.entries(counts).map(([k, v]) => `${v} ${k.replace('_', ' ')}`).join(', ')}.`;
}

/** 0 all added or already there, 1 any failure, 2 otherwise (needs action, pending, still running). */
export function exitCodeFor(items: Array<Pick<BatchItem, 'state'>>): 0 | 1 | 2 {
  if (items.some((i) => i.state === 'failed')) return 1;
  if (items.every((i) => i.state === 'added' || i.state === 'already_added')) return 0;
  return 2;
}
