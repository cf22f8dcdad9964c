// Firmware packages and upgrade campaigns (issue 16, src/server/firmware).
export const FIRMWARE_ERRORS = {
  FIRMWARE_PACKAGE_INVALID: {
    status: 422,
    message: 'The file is not a firmware package Sitekeeper can send (it does not parse, or its checksum is wrong).',
    hint: "Upload the package exactly as the vendor published it for the device's model.",
  },
  FIRMWARE_PACKAGE_TOO_LARGE: {
    status: 413,
    message: 'The firmware package is larger than this server accepts.',
    hint: 'Check that this is the right file; the server operator can raise FIRMWARE_MAX_BYTES.',
  },
  FIRMWARE_PACKAGE_NOT_FOUND: { status: 404, message: 'No such firmware package.', hint: 'Upload the package first (POST /api/firmware/packages) and use the id it returns.' },
  FIRMWARE_PACKAGE_IN_USE: {
    status: 409,
    message: 'A campaign is still sending this package: it cannot be deleted now.',
    hint: 'Delete it once its campaigns are done (GET /api/firmware/campaigns shows them).',
  },
  FIRMWARE_CAMPAIGN_NOT_FOUND: { status: 404, message: 'No such firmware campaign.', hint: 'Check the link; campaigns are listed per company.' },
  FIRMWARE_CAMPAIGN_REFUSED: {
    status: 422,
    message: 'Some of the devices cannot be upgraded now: nothing was started.',
    hint: 'details.devices gives each refused device with its code (HEALTH_MONITORING_OFF, DEVICE_OFFLINE, FIRMWARE_PACKAGE_WRONG_MODEL, FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT, FIRMWARE_UPGRADE_RUNNING, DEVICE_ADMIN_PASSWORD_NEEDED, DEVICE_NOT_FOUND_HERE); fix them or leave them out and start again.',
    note: 'The whole request is refused when any device is: a campaign never starts on part of what was asked.',
  },
  FIRMWARE_PACKAGE_WRONG_MODEL: {
    status: 422,
    message: "The firmware package is not made for this device's model.",
    hint: "Upload the package for the device's model (details.model) and start the upgrade with it.",
  },
  FIRMWARE_PACKAGE_TOO_LARGE_FOR_TRANSPORT: {
    status: 413,
    message: 'The firmware package is larger than the way Sitekeeper reaches this device can carry.',
    hint: "details give the transport (cloud: the device cloud; agent: the site agent), its limit (maxBytes) and the package's size. Upgrade this device with the device's own web page or tool on its network, or add it directly (by address) where the server can reach it.",
    note: 'Checked before anything is sent: the device cloud and site agents carry a request of up to 64 MiB in one tunnel message (see docs/decisions/0018-firmware-campaigns.md). `DEVICE_BODY_TOO_LARGE` is the device\'s own refusal (HTTP 413), or a tunnel refusing data that is not a firmware upgrade.',
  },
  FIRMWARE_UPGRADE_RUNNING: { status: 409, message: "An upgrade of this device's firmware is already running.", hint: 'Wait for the running campaign to finish with the device.' },
  FIRMWARE_NOT_APPLIED: {
    status: 502,
    message: 'The device came back from its reboot with its old firmware version.',
    hint: 'The device kept its old firmware and works as before; check the package and start the upgrade again.',
  },
  FIRMWARE_REBOOT_TIMEOUT: {
    status: 504,
    message: 'The device did not come back with the new firmware in time.',
    hint: 'Check that the device is powered and connected; its firmware is read again when it reports, and the upgrade can be started again.',
  },
} as const;
