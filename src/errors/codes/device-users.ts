// The user accounts of a camera, recorder or other non-AX Pro device, managed from the device page
// (issue 16, src/server/devices/device-config/users.ts). The device's own refusals keep their
// device codes (DEVICE_PASSWORD_RISKY, DEVICE_REJECTED, ...): these are Sitekeeper's checks, made
// before anything is sent to the device, and the device answers they name.
export const DEVICE_USER_ERRORS = {
  DEVICE_USER_PASSWORD_INVALID: {
    status: 422,
    message: "The password does not meet the device's password rules.",
    hint: 'Use 8–16 printable characters without spaces, of at least two kinds (digits, lower case, upper case, symbols), not containing the user name or its reverse. details.rule says which rule failed (length, printable, user, kinds).',
    note: "Checked by Sitekeeper before any change is sent to the device (a new user's password before the device is contacted at all). `DEVICE_PASSWORD_RISKY` is the device's own refusal of a password.",
  },
  DEVICE_USER_NAME_TAKEN: { status: 409, message: 'The device already has a user of that name.', hint: 'Choose another user name, or change the existing user instead.' },
  DEVICE_USER_NOT_FOUND: { status: 404, message: 'The device has no such user.', hint: 'Reload the user list: the user may have been deleted on the device meanwhile.' },
  DEVICE_USER_ADMIN_PROTECTED: {
    status: 409,
    message: "The device's admin user cannot be deleted, renamed or given another level.",
    hint: 'Devices keep one administrator; add an Operator or Viewer user for the people who need their own access.',
  },
  DEVICE_USER_ADMIN_PASSWORD: {
    status: 409,
    message: 'The password of the admin user Sitekeeper signs in with is not changed from the user list.',
    hint: "Change it on the device itself, then give Sitekeeper the new one with Admin password on the device page (PUT /api/devices/:id/admin-password); for a device reached by its address, with Edit device information (PUT /api/devices/:id/connection).",
    note: 'Deliberate: a change whose answer is lost on the way back would leave Sitekeeper with the wrong password, and its regular checks would then lock the admin out of the device.',
  },
  DEVICE_USERS_AXPRO: {
    status: 422,
    message: "An AX Pro panel's users are its panel accounts, which Sitekeeper keeps in step with the site.",
    hint: 'See Panel accounts on the device page (GET /api/devices/:id/panel-accounts).',
  },
} as const;
