import { useEffect, useState } from 'react';
import { onboardingApi } from '../../api/endpoints';
import type { BatchEvent } from '../../api/types';

export const TERMINAL = new Set<BatchEvent['state']>(['done', 'failed']);

export interface BatchProgress {
  events: Record<string, BatchEvent>;
  finished: boolean;
  connection: 'connecting' | 'open' | 'retrying' | 'closed';
}

/**
 * Per-device progress of a batch over server-sent events. EventSource reconnects by itself (and
 * the server replays the current state), which is what lets an offline device's add continue.
 */
export function useBatchEvents(batchId: string | undefined, candidateIds: string[]): BatchProgress {
  const [events, setEvents] = useState<Record<string, BatchEvent>>({});
  const [connection, setConnection] = useState<BatchProgress['connection']>('connecting');
  const [ended, setEnded] = useState(false);
  const key = candidateIds.join(',');

  useEffect(() => {
    if (!batchId) return;
    const source = new EventSource(onboardingApi.batchEventsUrl(batchId), { withCredentials: true });
    const seen: Record<string, BatchEvent> = {};
    const onData = (e: MessageEvent<string>) => {
      let ev: BatchEvent;
      try {
        ev = JSON.parse(e.data) as BatchEvent;
      } catch {
        return;
      }
      if (!ev || typeof ev.candidateId !== 'string') return;
      seen[ev.candidateId] = ev;
      setEvents({ ...seen });
      const ids = key ? key.split(',') : Object.keys(seen);
      if (ids.every((id) => seen[id] && TERMINAL.has(seen[id].state))) {
        source.close();
        setEnded(true);
        setConnection('closed');
      }
    };
    source.addEventListener('message', onData);
    source.addEventListener('progress', onData as EventListener);
    source.addEventListener('end', () => {
      source.close();
      setEnded(true);
      setConnection('closed');
    });
    source.addEventListener('open', () => setConnection('open'));
    source.addEventListener('error', () => setConnection(source.readyState === EventSource.CLOSED ? 'closed' : 'retrying'));
    return () => source.close();
  }, [batchId, key]);

  return { events, finished: ended, connection };
}

export const STEP_LABEL: Record<string, string> = {
  queued: 'Waiting to start',
  probe: 'Checking the device',
  activate: 'Activating',
  dhcp: 'Switching on DHCP',
  enable_cloud: 'Enabling the cloud service',
  wait_registration: 'Waiting for the device to come online',
  wait_online: 'Waiting for the device to come online',
  add_to_site: 'Adding to the site',
  health: 'Starting health monitoring',
  firmware: 'Checking firmware',
  axpro_accounts: 'Setting up alarm hub accounts',
  done: 'Added',
};

export function stepLabel(ev: BatchEvent | undefined): string {
  if (!ev) return 'Waiting to start';
  if (ev.state === 'done') return 'Added';
  if (ev.state === 'failed') return ev.message ?? 'Failed';
  return STEP_LABEL[ev.step] ?? ev.step.replace(/_/g, ' ');
}
