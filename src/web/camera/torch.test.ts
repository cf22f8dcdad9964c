import { describe, expect, it } from 'vitest';
import { setTorch, torchSupported, type TorchTrack } from './torch';

function stubTrack(caps: Record<string, unknown> | (() => never) | undefined) {
  const applied: MediaTrackConstraints[] = [];
  const track: TorchTrack = {
    getCapabilities: caps === undefined ? undefined : typeof caps === 'function' ? caps : () => caps,
    applyConstraints: async (c) => {
      applied.push(c);
    },
  };
  return { track, applied };
}

describe('torch', () => {
  it('is supported only when the track reports torch: true', () => {
    expect(torchSupported(stubTrack({ torch: true }).track)).toBe(true);
    expect(torchSupported(stubTrack({ torch: false }).track)).toBe(false);
    expect(torchSupported(stubTrack({ width: { min: 1, max: 1920 } }).track)).toBe(false);
    expect(torchSupported(stubTrack(undefined).track)).toBe(false);
    expect(torchSupported(null)).toBe(false);
    expect(
      torchSupported(
        stubTrack(() => {
          throw new Error('not implemented');
        }).track,
      ),
    ).toBe(false);
  });

  it('applies the torch constraint when supported and not otherwise', async () => {
    const yes = stubTrack({ torch: true });
    expect(await setTorch(yes.track, true)).toBe(true);
    expect(await setTorch(yes.track, false)).toBe(false);
    expect(yes.applied).toEqual([{ advanced: [{ torch: true }] }, { advanced: [{ torch: false }] }]);

    const no = stubTrack({});
    expect(await setTorch(no.track, true)).toBe(false);
    expect(no.applied).toEqual([]);
  });
});
