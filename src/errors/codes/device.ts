// Devices and the device client (issue 4): what a physical device (or the way to it) answers.
// Devices registered on a site (the device list and page) are in ./site.ts.
// ISAPI ResponseStatus and transport failures are mapped into these in one place:
// src/device-client/device-errors.ts.
export const DEVICE_ERRORS = {
  DEVICE_HOST_INVALID: { status: 422, message: 'This is not a device address.', hint: 'Give the IP address (like 192.168.1.64) or host name only; the port goes in its own field.' },
  DEVICE_OFFLINE: { status: 502, message: 'The device is offline.', hint: 'Check that the device is powered and connected to the network, then try again.' },
  DEVICE_TIMEOUT: { status: 504, message: 'The device did not answer in time.', hint: 'The device or its network may be slow or overloaded; try again in a moment.' },
  DEVICE_AUTH_FAILED: { status: 401, message: 'The device rejected the user name or password.', hint: 'Check the device credentials; repeated failures lock the account on the device for a while.' },
  DEVICE_LOCKED: { status: 423, message: 'The device has locked this user after too many failed logins.', hint: 'Wait until the lock expires (see details.unlockAt), then log in with the correct password.' },
  DEVICE_PROTOCOL_ERROR: { status: 502, message: 'The device sent an answer that could not be understood.', hint: 'The device firmware may not support this operation; check for a firmware update or report the model and firmware version.' },
  DEVICE_NOT_ACTIVATED: { status: 409, message: 'The device is not activated yet.', hint: 'Activate the device first by setting an admin password.' },
  DEVICE_ALREADY_ACTIVATED: { status: 409, message: 'The device is already activated.', hint: 'Log in with the existing admin password instead, or factory-reset the device.' },
  DEVICE_PASSWORD_RISKY: { status: 422, message: 'The device rejected the password as too weak.', hint: 'Use 8–16 characters with at least two kinds of digits, lower case, upper case and symbols, not containing the user name.' },
  VERIFICATION_CODE_INVALID: { status: 422, message: 'The verification code is not valid for this device.', hint: 'Use the 6–12 character verification code printed on the device label.' },
  VERIFICATION_CODE_THROTTLED: { status: 429, message: 'Too many wrong verification codes for this device.', hint: 'Wait details.retryAfterSeconds seconds, then enter the code printed on the device label.', note: 'Per serial: three free attempts, then a growing delay capped at a minute (never a lockout). Per user (10) and per company (30) wrong codes across serials, then a delay capped at five minutes. details.scope: serial, user or company. Scans, adds (refused at once) and claim disputes alike.' },
  DEVICE_BUSY: { status: 503, message: 'The device is busy.', hint: 'The device may be upgrading or rebooting; try again in a minute.' },
  DEVICE_NOT_FOUND: { status: 404, message: 'No such device was found.', hint: 'Check the serial number or address, and that the device is connected to the network or the device cloud.', note: 'The physical device: none answered, or none is registered with the device cloud, under this serial or address. A device Sitekeeper holds that you cannot see is `DEVICE_NOT_FOUND_HERE`.' },
  DEVICE_UNSUPPORTED: { status: 422, message: 'The device does not support this operation.', hint: 'Check the device type and firmware version; an update may add support.' },
  DEVICE_REJECTED: { status: 422, message: 'The device rejected the request.', hint: 'Check the values sent; details.subStatusCode says what the device objected to.' },
  DEVICE_FIRMWARE_REJECTED: { status: 422, message: 'The device rejected the firmware package.', hint: 'Use a firmware package made for this exact model and hardware platform.' },
  DEVICE_UPGRADE_FAILED: { status: 502, message: 'The firmware upgrade failed on the device.', hint: 'Wait for the device to come back, check its firmware version, and retry the upgrade.' },
  DEVICE_BODY_TOO_LARGE: { status: 413, message: 'The data is too large to send to the device through this connection.', hint: 'Send it over a direct LAN connection, or use a smaller file.' },
  AGENT_OFFLINE: { status: 503, message: 'The site agent is offline.', hint: 'Check that `sitekeeper agent` is running on the site network and can reach the platform.' },
  AGENT_AUTH_FAILED: { status: 401, message: 'The platform did not accept the site agent (its enrolment token is used, expired or wrong, or the agent was revoked).', hint: 'Add a new agent to the site in the portal and run the command it shows.' },
  AGENT_NOT_FOUND: { status: 404, message: 'No such site agent.', hint: 'Reload the site page; the agent may have been revoked already.' },
} as const;
