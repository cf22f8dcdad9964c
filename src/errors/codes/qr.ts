// QR codes (issue 5). Add codes here, then run `npm run docs:errors` (docs/errors.md).
export const QR_ERRORS = {
  QR_UNRECOGNIZED: { status: 422, message: 'This QR code is not a device QR code.', hint: 'Scan the QR code on the device label, or one exported by a video-management client.' },
  QR_CORRUPT: { status: 422, message: 'This device QR code is damaged or incomplete and cannot be read.', hint: 'Scan the code again from a sharper photo, or export it again from the app that made it.' },
  QR_TOO_LARGE: { status: 413, message: 'The QR text is too large.', hint: 'Device QR codes hold at most a few kilobytes; check that you pasted the right text.' },
  QR_PASSWORD_REQUIRED: { status: 422, message: 'This QR code is protected by a password.', hint: 'Enter the password that was set when the code was exported.' },
  QR_PASSWORD_WRONG: { status: 422, message: 'The password for this QR code is wrong.', hint: 'Check the password with the person who exported the code and try again.' },
  QR_SERIAL_INVALID: { status: 422, message: 'This is not a valid device serial number.', hint: 'A serial number has 9 or more letters and digits (the short serial on the label has 9); check it and try again.' },
  QR_PARTS_INCOMPLETE: { status: 422, message: 'Not all parts of this multi-part QR code have been scanned.', hint: 'Scan the remaining numbered parts of the code.' },
  QR_PARTS_MISMATCH: { status: 422, message: 'These QR code parts do not belong to the same export.', hint: 'Scan only the parts printed together (same set), then try again.' },
  QR_ENCODE_INVALID: { status: 400, message: 'The data for this QR code is not valid.', hint: 'Check the device fields (serial, host, port) and try again.' },
  QR_NOT_FOUND: { status: 422, message: 'No QR code was found in this image.', hint: 'Take a sharper, closer photo of the code with even lighting, and try again.' },
  QR_DECODER_UNAVAILABLE: { status: 500, message: 'The QR decoder could not be loaded.', hint: 'Reinstall Sitekeeper (the zxing-wasm package is missing or damaged).' },
  IMAGE_UNREADABLE: { status: 422, message: 'This image cannot be read.', hint: 'Send a JPEG, PNG or WebP photo; the file may be damaged or in another format.' },
  IMAGE_TOO_LARGE: { status: 413, message: 'This image is too large.', hint: 'Send a smaller photo (see the limits in details); a phone photo at normal resolution is fine.' },
  IMAGE_DECODE_BUSY: { status: 429, message: 'Too many photos are being decoded right now.', hint: 'Wait for your other photos to finish (Retry-After says how long), then send this one again.' },
} as const;
