/** Opening the rear camera, with every failure turned into something we can explain. */

export type CameraProblem = 'denied' | 'no_camera' | 'in_use' | 'insecure' | 'unsupported';

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

export function classifyCameraError(e: unknown): CameraError {
  if (e instanceof CameraError) return e;
  const name = (e as { name?: string } | null)?.name ?? '';
  const message = e instanceof Error ? e.message : String(e);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return new CameraError('denied', message);
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return new CameraError('no_camera', message);
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraError('in_use', message);
    default:
      return new CameraError('unsupported', message);
  }
}

export async function openRearCamera(): Promise<MediaStream> {
  if (!window.isSecureContext) {
    throw new CameraError('insecure', 'The camera needs a secure (HTTPS) connection.');
  }
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('unsupported', 'This browser gives no access to a camera.');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (e) {
    throw classifyCameraError(e);
  }
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/**
 * One thing to do. `either` lists alternatives for it (Android or iPhone): shown as choices
 * within the step, never numbered as steps of their own.
 */
export interface CameraStep {
  text: string;
  either?: string[];
}

export interface CameraHelp {
  title: string;
  steps: CameraStep[];
  /** What still works meanwhile. */
  note: string;
}

const MEANWHILE = 'Meanwhile, pick a photo of the label from the album, or type the serial number.';

/** What to tell the installer, per problem. Album and manual entry remain open in every case. */
export const CAMERA_HELP: Record<CameraProblem, CameraHelp> = {
  denied: {
    title: 'Sitekeeper is not allowed to use the camera',
    steps: [
      { text: 'Tap the lock or camera icon next to the address and set Camera to Allow.' },
      {
        text: 'If Camera is missing there or stays blocked, let the browser use the camera in your phone’s settings:',
        either: ['On Android: Settings › Apps › your browser › Permissions › Camera › Allow.', 'On iPhone: Settings › your browser › Camera › Allow.'],
      },
      { text: 'Reload this page.' },
    ],
    note: MEANWHILE,
  },
  no_camera: {
    title: 'No camera was found',
    steps: [{ text: 'This device has no camera the browser can use.' }],
    note: 'Pick a photo of the label from the album, or type the serial number.',
  },
  in_use: {
    title: 'The camera is busy',
    steps: [{ text: 'Another app is using the camera. Close it, then tap Try the camera again.' }],
    note: 'Or pick a photo of the label, or type the serial number.',
  },
  insecure: {
    title: 'The camera needs a secure connection',
    steps: [{ text: 'Open Sitekeeper over https:// (ask your administrator for the address).' }],
    note: 'Album and manual entry work meanwhile.',
  },
  unsupported: {
    title: 'This browser cannot open the camera',
    steps: [{ text: 'Use a current Chrome, Edge, Firefox or Safari.' }],
    note: 'Album and manual entry work meanwhile.',
  },
};
