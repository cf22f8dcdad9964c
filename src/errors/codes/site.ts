// Sites and the devices registered on them: the site pages and the device list and page
// (src/server/sites, src/server/devices). What a device itself answers is in ./device.ts.
export const SITE_ERRORS = {
  SITE_NOT_FOUND: { status: 404, message: 'No such site.', hint: 'Reload the site list; the site may have been deleted.' },
  SITE_TIME_ZONE_INVALID: { status: 400, message: 'This is not a time zone.', hint: 'Choose an IANA time zone name from the list, such as Europe/Paris or America/New_York.' },
  DEVICE_NOT_FOUND_HERE: { status: 404, message: 'No such device.', hint: 'Reload the device list; the device may have been deleted.', note: 'A device Sitekeeper holds (the device list and page): none with this id that you may see (deleted, or another company\'s). A physical device that does not answer is `DEVICE_NOT_FOUND`.' },
  DEVICE_QR_PLAIN_ADMIN_ONLY: { status: 403, message: 'Only an installer admin can export a plain device QR code: it carries the device\'s verification code or admin password for anyone who sees it.', hint: 'Send a password ({ "password": "…" }) for an encrypted code, or ask your installer admin for a plain one.' },
  DEVICE_QR_UNAVAILABLE: { status: 409, message: 'Sitekeeper does not hold what is needed to add this device again (no verification code or credentials).', hint: 'Print the label QR from the device instead, or delete and add the device again with its verification code.' },
  DEVICE_TYPE_NOT_EDITABLE: { status: 409, message: 'This device reported its type itself: it cannot be changed.', hint: 'Only a device whose type was not recognised (shown as unknown), or whose type an installer chose, takes a type from you.' },
  DEVICE_DELETE_REFUSED: { status: 409, message: 'This device cannot be deleted now.', hint: 'details.reason says why; see the site\'s state on its page.', note: 'The delete rule (src/server/devices/delete-rule.ts, canDeleteDevice) refused it: for example while the site is authorized.' },
  DEVICE_CONNECTION_NOT_EDITABLE: { status: 409, message: 'This device is reached through the device cloud: it has no address or password to edit.', hint: 'Only devices added by IP address or domain, or from a multi-device code, have an address, port, user and password here.' },
  DEVICE_NOT_SAME: { status: 409, message: 'Another device answered at this address: its serial number is not this device\'s.', hint: 'Check the IP address or domain and port; the old values are kept. To add the other device, use Add device.' },
} as const;
