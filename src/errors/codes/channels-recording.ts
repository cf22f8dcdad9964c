// Remote configuration of video channel names and the recording overwrite setting (issue 16):
// src/server/devices/device-config/channels.ts and recording.ts.
export const CHANNELS_RECORDING_ERRORS = {
  DEVICE_CHANNEL_NOT_FOUND: { status: 404, message: 'The device has no video channel with this id.', hint: 'Reload the channel list (GET /api/devices/:id/config/channels): channel ids are the device\'s own.', note: 'The device is there and answered: it has no such channel. A device you cannot see is `DEVICE_NOT_FOUND_HERE`.' },
  RECORDING_OVERWRITE_NOT_APPLICABLE: { status: 409, message: 'This device has no disk or memory card to record on, so recording overwrite does not apply.', hint: 'Fit a disk (or a memory card in the camera) and initialise it on the device first.', note: 'A state, not a failure: GET /api/devices/:id/config/recording answers `applicable: false` for such a device; only a change is refused.' },
} as const;
