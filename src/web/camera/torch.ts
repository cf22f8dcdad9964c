/**
 * Flashlight support. The toggle is shown only when the camera track says it has a torch
 * (Chrome on Android does; desktop webcams and Chromium's fake camera do not).
 */

/** The part of MediaStreamTrack the torch logic needs: easy to stub in a test. */
export interface TorchTrack {
  getCapabilities?: () => MediaTrackCapabilities & { torch?: boolean };
  applyConstraints: (constraints: MediaTrackConstraints) => Promise<void>;
}

export function torchSupported(track: TorchTrack | null | undefined): boolean {
  if (!track || typeof track.getCapabilities !== 'function') return false;
  try {
    return track.getCapabilities().torch === true;
  } catch {
    return false;
  }
}

/** Switch the torch; resolves with the state actually set (false when unsupported). */
export async function setTorch(track: TorchTrack, on: boolean): Promise<boolean> {
  if (!torchSupported(track)) return false;
  // `torch` is not in TypeScript's DOM constraint types yet.
  await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
  return on;
}
