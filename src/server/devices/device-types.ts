/**
 * The device types an installer may choose for a device whose type was not recognised (issue 16),
 * and which of them are types a device reports itself. Pure.
 */
export const DEVICE_TYPES = ['camera', 'nvr', 'dvr', 'axpro', 'access_control', 'doorbell', 'other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** Types onboarding recognises from what the device says: such a type is not the installer's to change. */
export const RECOGNISED_TYPES: readonly string[] = ['camera', 'nvr', 'dvr', 'axpro', 'access_control', 'doorbell'];

/** The installer may set the type: it was not recognised, or an installer chose it before (editable again). */
export function typeEditable(type: string, typeChosen: boolean): boolean {
  return typeChosen || !RECOGNISED_TYPES.includes(type);
}
