/**
 * The firmware compatibility catalogue (issue 16): model pattern → the minimum firmware per
 * feature. Versioned: bump CATALOGUE.version on every change; each verdict names the version it
 * comes from. The first entry whose pattern matches the model applies; the last matches every
 * model. Pure: the verdict is a function of the catalogue, the model and the firmware version.
 */
import { compareVersions } from './firmware-compat';

export type Feature = 'health_monitoring' | 'linkage_rules' | 'remote_configuration';
export const FEATURES: readonly Feature[] = ['health_monitoring', 'linkage_rules', 'remote_configuration'];

export interface CatalogueEntry {
  /** A regular expression on the model, case-insensitive. */
  pattern: string;
  minimum: Record<Feature, string>;
}

export interface Catalogue {
  version: string;
  entries: readonly CatalogueEntry[];
}

export const CATALOGUE: Catalogue = {
  version: '2026.12.1',
  entries: [
    { pattern: '^DS-2CD1', minimum: { health_monitoring: 'V5.5.0', linkage_rules: 'V5.5.800', remote_configuration: 'V5.5.0' } },
    { pattern: '^DS-2CD', minimum: { health_monitoring: 'V5.5.0', linkage_rules: 'V5.6.0', remote_configuration: 'V5.5.0' } },
    { pattern: '^DS-(76|77|96)\\d{2}NI', minimum: { health_monitoring: 'V4.0.0', linkage_rules: 'V4.30.0', remote_configuration: 'V4.0.0' } },
    { pattern: '^DS-(71|72|73)\\d{2}H', minimum: { health_monitoring: 'V4.0.0', linkage_rules: 'V4.30.0', remote_configuration: 'V4.0.0' } },
    { pattern: '^DS-PWA', minimum: { health_monitoring: 'V1.2.0', linkage_rules: 'V1.2.5', remote_configuration: 'V1.2.0' } },
    { pattern: '^DS-KD', minimum: { health_monitoring: 'V2.0.0', linkage_rules: 'V2.2.0', remote_configuration: 'V2.0.0' } },
    { pattern: '.*', minimum: { health_monitoring: 'V2.0.0', linkage_rules: 'V2.0.0', remote_configuration: 'V2.0.0' } },
  ],
};

export interface FeatureVerdict {
  feature: Feature;
  compatible: boolean;
  minimum: string;
}

export interface CompatibilityVerdict {
  catalogueVersion: string;
  /** Every feature is supported. */
  compatible: boolean;
  features: FeatureVerdict[];
  /** Why not, in words (null when compatible). */
  reason: string | null;
  /** The version that makes every feature available (null when compatible). */
  upgradeTo: string | null;
}

/** The version as the device's web page writes it (`V4.40.015 build 210922`; SADP runs them together). */
const written = (version: string): string => version.replace(/\s*build\s*/i, ' build ').replace(/\s+/g, ' ').trim();

const LABEL: Record<Feature, string> = { health_monitoring: 'health monitoring', linkage_rules: 'linkage rules', remote_configuration: 'remote configuration' };

export function compatibilityVerdict(model: string, firmwareVersion: string, catalogue: Catalogue = CATALOGUE): CompatibilityVerdict {
  const entry = catalogue.entries.find((e) => new RegExp(e.pattern, 'i').test(model)) ?? catalogue.entries[catalogue.entries.length - 1]!;
  const features = FEATURES.map((feature) => ({ feature, minimum: entry.minimum[feature], compatible: firmwareVersion !== '' && compareVersions(firmwareVersion, entry.minimum[feature]) >= 0 }));
  const missing = features.filter((f) => !f.compatible);
  if (missing.length === 0) return { catalogueVersion: catalogue.version, compatible: true, features, reason: null, upgradeTo: null };
  const upgradeTo = missing.map((f) => f.minimum).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  const reason = firmwareVersion === ''
    ? 'The firmware version is not known yet.'
    : `Firmware ${written(firmwareVersion)} is older than ${model || 'this model'} needs for ${missing.map((f) => `${LABEL[f.feature]} (${f.minimum})`).join(', ')}.`;
  return { catalogueVersion: catalogue.version, compatible: false, features, reason, upgradeTo };
}
