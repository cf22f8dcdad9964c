/**
 * The firmware verdict kept on the device row (issue 16) and what it allows. Pure: the catalogue
 * (firmware-catalogue.ts) decides; this file turns its verdict into the stored shape and answers
 * "may this device use this feature?" — FIRMWARE_INCOMPATIBLE with the version to upgrade to when
 * not. A device without a stored verdict (never checked, or no firmware version known yet) is not
 * blocked: the verdict comes with the first version it reports.
 */
import { AppError } from '../../errors/app-error';
import { CATALOGUE, compatibilityVerdict, type Catalogue, type CompatibilityVerdict, type Feature } from './firmware-catalogue';

/** What devices.firmware_verdict holds (and the device API shows as `firmwareVerdict`). */
export type StoredFirmwareVerdict = CompatibilityVerdict;

/** The verdict for a model at a firmware version, or null while the version is unknown. */
export function verdictFor(model: string, firmwareVersion: string, catalogue: Catalogue = CATALOGUE): StoredFirmwareVerdict | null {
  if (!firmwareVersion) return null;
  return compatibilityVerdict(model, firmwareVersion, catalogue);
}

/** Whether a stored verdict was computed with an older (or no) catalogue version. */
export function verdictStale(catalogueVersion: string | null, catalogue: Catalogue = CATALOGUE): boolean {
  return catalogueVersion !== catalogue.version;
}

export type FeatureGate = { allowed: true } | { allowed: false; code: 'FIRMWARE_INCOMPATIBLE'; reason: string; upgradeTo: string; minimum: string };

const LABEL: Record<Feature, string> = { health_monitoring: 'Health monitoring', linkage_rules: 'Linkage rules', remote_configuration: 'Remote configuration' };

/** May the device use this feature with its firmware? */
export function firmwareGate(verdict: StoredFirmwareVerdict | null | undefined, feature: Feature): FeatureGate {
  const f = verdict?.features.find((x) => x.feature === feature);
  if (!verdict || !f || f.compatible) return { allowed: true };
  const upgradeTo = verdict.upgradeTo ?? f.minimum;
  return { allowed: false, code: 'FIRMWARE_INCOMPATIBLE', reason: `${LABEL[feature]} needs firmware ${f.minimum} or later on this device; it runs an older version.`, upgradeTo, minimum: f.minimum };
}

/** Throws FIRMWARE_INCOMPATIBLE (with the version to upgrade to) unless the feature is allowed. */
export function requireFirmware(verdict: StoredFirmwareVerdict | null | undefined, feature: Feature): void {
  const g = firmwareGate(verdict, feature);
  if (!g.allowed) throw incompatible(g, feature);
}

export function incompatible(g: Extract<FeatureGate, { allowed: false }>, feature: Feature): AppError {
  return new AppError('FIRMWARE_INCOMPATIBLE', g.reason, {
    hint: `Upgrade the device's firmware to ${g.upgradeTo} or later; ${LABEL[feature].toLowerCase()} is available again as soon as the device reports it, with nothing else to do.`,
    details: { feature, minimum: g.minimum, upgradeTo: g.upgradeTo },
  });
}
