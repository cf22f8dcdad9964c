// Devices and the device client (issue 4). Add codes here; keep docs/errors.md in step.
export const DEVICE_ERRORS = {
  DEVICE_OFFLINE: { status: 502, message: 'The device is offline.', hint: 'Check that the device is powered and connected to the network, then try again.' },
} as const;
