/**
 * A campaign's live progress as Server-Sent Events (GET /api/firmware/campaigns/:id/events):
 * `device` for each device whose state, percent or stage changed, `campaign` with the totals, and
 * last `end` with the reason (`done`, `timeout`, `signed_out`, `access_lost`, `shutdown`,
 * `unavailable`). Read from the database, so progress made on any node reaches every stream.
 *
 * The machinery is the onboarding progress streams' (lib/streams.ts): one signal source per node
 * for all its campaign streams, streams of one campaign sharing its read, caps per user and node
 * (PROGRESS_STREAMS_LIMIT), the caller's session and site access checked again periodically. The
 * signal source is one shared poller per node on both backends (decision 0018): it asks, in one
 * query per tick, for a fingerprint of every followed campaign.
 */
import { isAppError } from '../../errors/app-error';
import type { Actor } from '../auth/actor';
import type { Clock } from '../lib/clock';
import { FollowedStreams, Follower, intervalTimer, type Authenticate, type Credentials, type Every, type StreamSignals } from '../lib/streams';
import type { CampaignView, FirmwareService } from './firmware.service';

export type CampaignEndReason = 'done' | 'timeout' | 'signed_out' | 'access_lost' | 'shutdown' | 'unavailable';

export interface CampaignStream {
  run(send: (event: 'device' | 'campaign' | 'end', data: unknown) => void, signal: AbortSignal): Promise<CampaignEndReason | 'gone'>;
}

class CampaignFollower extends Follower<CampaignEndReason> {
  constructor(userId: string, readonly campaignId: string, deadlineMs: number) {
    super(userId, deadlineMs);
  }
}

const signature = (d: CampaignView['devices'][number]) => `${d.state}|${d.percent}|${d.stage}|${d.reason?.code ?? ''}|${d.firmwareVersion}`;

export class CampaignProgress extends FollowedStreams<CampaignFollower, CampaignEndReason> {
  private readonly reads = new Map<string, Promise<CampaignView>>();

  constructor(
    private readonly firmware: Pick<FirmwareService, 'campaign' | 'progressOf'>,
    private readonly clock: Clock,
    signals: StreamSignals,
    private readonly authenticate: Authenticate,
    private readonly settings: { maxMs: number; perUser: number; perNode: number; accessCheckMs: number },
    every: Every = intervalTimer,
  ) {
    super(signals, settings, 'progress streams', every);
  }

  protected followedKey(f: CampaignFollower): string {
    return f.campaignId;
  }

  protected override onChanged(f: CampaignFollower): void {
    this.reads.delete(f.campaignId);
    f.poke('changed');
  }

  /** Takes a stream slot and checks access (throwing before anything is sent); returns the stream. */
  async openStream(actor: Actor, campaignId: string, credentials: Credentials): Promise<CampaignStream> {
    this.slots.reserve(actor.id);
    let first: CampaignView;
    try {
      first = await this.firmware.campaign(actor, campaignId);
    } catch (e) {
      this.slots.release(actor.id);
      throw e;
    }
    const f = new CampaignFollower(actor.id, campaignId, this.clock.now().getTime() + this.settings.maxMs);
    this.followers.add(f);
    return {
      run: async (send, signal) => {
        try {
          return await this.run(f, first, credentials, send, signal);
        } finally {
          this.followers.delete(f);
          this.slots.release(actor.id);
        }
      },
    };
  }

  private async run(f: CampaignFollower, first: CampaignView, credentials: Credentials, send: (event: 'device' | 'campaign' | 'end', data: unknown) => void, signal: AbortSignal): Promise<CampaignEndReason | 'gone'> {
    const seen = new Map<string, string>();
    const emit = (v: CampaignView) => {
      for (const d of v.devices) {
        const sig = signature(d);
        if (seen.get(d.deviceId) !== sig) {
          seen.set(d.deviceId, sig);
          send('device', d);
        }
      }
      send('campaign', { id: v.id, counts: v.counts, done: v.done });
    };
    emit(first);
    let last = first;
    for (;;) {
      if (signal.aborted) return 'gone';
      const reason = last.done ? 'done' : f.ended;
      if (reason) {
        send('end', { id: last.id, reason });
        return reason;
      }
      await f.next(signal);
      if (signal.aborted || f.ended) continue;
      if (this.clock.now().getTime() >= f.deadlineMs) {
        f.stop('timeout');
        continue;
      }
      const { recheck, changed } = f;
      f.recheck = false;
      f.changed = false;
      try {
        if (recheck) {
          const who = await this.authenticate(credentials);
          if (!who) {
            f.stop('signed_out');
            continue;
          }
          await this.firmware.campaign(who, f.campaignId);
        }
        if (!changed) continue;
        const next = await this.read(f.campaignId);
        if (JSON.stringify(next.devices) !== JSON.stringify(last.devices) || next.done !== last.done) emit(next);
        last = next;
      } catch (e) {
        f.stop(isAppError(e) && e.status < 500 ? 'access_lost' : 'unavailable');
      }
    }
  }

  private read(id: string): Promise<CampaignView> {
    let p = this.reads.get(id);
    if (!p) {
      p = this.firmware.progressOf(id).finally(() => {
        if (this.reads.get(id) === p) this.reads.delete(id);
      });
      this.reads.set(id, p);
    }
    return p;
  }
}
