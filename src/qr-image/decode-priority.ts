/**
 * Photo decodes run at a lower CPU priority than the server (issue 13): on a small machine one
 * user's decodes must not take the cores the other users' requests need. On Linux the nice value is
 * per thread, so the decode worker lowers its own thread and the threads libvips decodes with
 * (named "libvips worker"; libvips starts them lazily, on the first decode, and reuses them).
 * Elsewhere this does nothing. Raising a nice value needs no privilege; lowering it again would,
 * so a thread once lowered stays so — libvips threads only ever decode photos in this process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';

const VIPS_THREAD = /^libvips worker/;

export interface DecodePriority {
  /** Lowers the calling thread (the decode worker) and every libvips thread not yet lowered. */
  apply(): void;
}

export function decodePriority(nice: number, platform: NodeJS.Platform = process.platform): DecodePriority {
  const lowered = new Set<string>();
  let self = false;
  const active = nice > 0 && platform === 'linux';
  return {
    apply() {
      if (!active) return;
      if (!self) {
        self = tryLower(0, nice); // pid 0 = the calling thread on Linux
      }
      for (const tid of vipsThreads()) {
        if (lowered.has(tid)) continue;
        if (tryLower(Number(tid), nice)) lowered.add(tid);
      }
    },
  };
}

function tryLower(tid: number, nice: number): boolean {
  try {
    setPriority(tid, nice);
    return true;
  } catch {
    return false; // the thread ended meanwhile, or the system refuses: decoding goes on at normal priority
  }
}

function vipsThreads(): string[] {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return [];
  }
  return tids.filter((tid) => {
    try {
      return VIPS_THREAD.test(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8'));
    } catch {
      return false;
    }
  });
}

/** The nice value of each thread of this process by name (Linux; for tests and diagnostics). */
export function threadNiceValues(): Array<{ tid: string; name: string; nice: number }> {
  const out: Array<{ tid: string; name: string; nice: number }> = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid, name, nice: Number(fields[16]) });
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
