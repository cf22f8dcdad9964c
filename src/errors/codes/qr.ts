// QR codes (issue 5). Add codes here; keep docs/errors.md in step.
export const QR_ERRORS = {
  QR_UNRECOGNIZED: { status: 422, message: 'This QR code is not a device QR code.', hint: 'Scan the QR code on the device label, or one exported by a video-management client.' },
} as const;
