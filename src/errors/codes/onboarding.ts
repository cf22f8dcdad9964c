// Adding devices to sites (issue 6).
export const ONBOARDING_ERRORS = {
  SCAN_TOO_MANY_DEVICES: { status: 422, message: 'This code names more devices than one scan may add.', hint: 'Export the devices in smaller groups (details.max at a time) and scan each code.' },
  SCAN_NOT_FOUND: { status: 404, message: 'No such scan.', hint: 'Scan the code again; scans are kept for a limited time.' },
  CANDIDATE_NOT_FOUND: { status: 404, message: 'That device is not part of this scan.', hint: 'Pick devices from the list returned by the scan.' },
  BATCH_NOT_FOUND: { status: 404, message: 'No such onboarding batch.', hint: 'Check the batch id returned when you confirmed the devices.' },
  DEVICE_ALREADY_ADDED: { status: 409, message: 'This device is already on this site.', hint: 'Nothing to do: find it in the device list.' },
  DEVICE_ON_OTHER_SITE: { status: 409, message: 'This device is already on another site of your company.', hint: 'Delete it from that site first if you want to move it here.' },
  DEVICE_BOUND_ELSEWHERE: { status: 409, message: 'This device is bound to another account.', hint: 'Ask the owner of that account to release the device (or reset the device to factory settings), then add it again.', note: 'Only after the verification code proved the device is in your hands, or for a device added by address or found on the site network, which speak for themselves (decision 0005); without that, a serial bound elsewhere answers like one nobody has.' },
  VERIFICATION_CODE_REQUIRED: { status: 422, message: 'The verification code is needed to add this device.', hint: 'It is printed on the device label (6 upper-case letters), or it is the code set when the cloud service was enabled.' },
  ADMIN_PASSWORD_REQUIRED: { status: 422, message: 'This device is not activated yet: choose its admin password.', hint: 'Use 8 to 16 characters with at least two kinds of characters (letters, digits, symbols), not containing the user name.' },
  DEVICE_PASSWORD_REQUIRED: { status: 422, message: "The device's admin password is needed for this step.", hint: 'Enter the password of the admin account on the device.' },
  VERIFICATION_CODE_RULES: { status: 400, message: 'The verification code does not meet the rules.', hint: 'Use 6 to 12 letters or digits.' },
  CLOUD_REGISTRATION_TIMEOUT: { status: 504, message: 'The device did not connect to the device cloud in time.', hint: 'Check that the device has internet access (gateway and DNS settings), then try again.' },
  PROGRESS_STREAMS_LIMIT: { status: 429, message: 'Too many progress streams are open.', hint: 'Close other progress pages or `sitekeeper add` runs (each holds one stream; details.scope says whether yours or the server is full), then try again after the Retry-After seconds.' },
  DEVICE_UNREACHABLE: {
    status: 502,
    message: 'No device answered at this address and port.',
    hint: "Check the IP address and port, and that the device is powered and connected to the site's network. Devices on the site's private network are added through the site's agent (run `sitekeeper agent` there, or scan the device's label).",
    note: 'One answer for every address added by host and port that does not answer as a device: refused by the connect policy, closed, filtered, timed out, or something that is not a device. It comes no earlier than the device timeout, so neither its text nor its timing tells what listens where; the cause is logged at debug level only.',
  },
  ONBOARDING_EXPIRED: { status: 410, message: 'The device stayed offline and the pending add expired.', hint: 'Connect the device to the network and scan its code again.' },
} as const;
