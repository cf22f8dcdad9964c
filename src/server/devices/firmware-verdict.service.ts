/**
 * Keeps the firmware verdict on the device rows true (issue 16): re-checked when a device reports
 * another firmware version over the device cloud (its hello; polls are the health recorder's) and
 * when the catalogue changes (at start-up: rows computed with an older catalogue version, or never).
 */
import type { UnitOfWork } from '../db/unit-of-work';
import { DOMAIN_EVENT_TYPES } from '../events/domain-events';
import { CATALOGUE, type Catalogue } from './firmware-catalogue';
import { verdictFor } from './firmware-verdict';

const BATCH = 500;

export class FirmwareVerdictService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly catalogue: Catalogue = CATALOGUE,
  ) {}

  /** Re-checks every device whose verdict comes from another catalogue version (or none). Returns how many. */
  async recheckStale(): Promise<number> {
    let n = 0;
    let after: string | undefined;
    for (;;) {
      const rows = await this.uow.read.devices.staleVerdicts(this.catalogue.version, BATCH, after);
      if (rows.length === 0) return n;
      // Runs while the node already works (an upgrade read back, a poll): a row whose version changed
      // since it was read got its verdict from that writer and is left alone.
      await this.uow.tx(async (r) => {
        for (const d of rows) {
          if (await r.devices.setFirmwareIfStill(d.id, d.firmwareVersion, d.firmwareVersion, verdictFor(d.model, d.firmwareVersion, this.catalogue), this.catalogue.version)) n += 1;
        }
      });
      after = rows[rows.length - 1]!.id;
      if (rows.length < BATCH) return n;
    }
  }

  /**
   * A device reported its firmware (over the device cloud, or read back after a firmware upgrade):
   * a new version is stored with its verdict.
   */
  async reported(serial: string, firmwareVersion: string, source: 'device_cloud' | 'firmware_upgrade' = 'device_cloud'): Promise<boolean> {
    return (await this.reportedMany(new Map([[serial, firmwareVersion]]), source)) > 0;
  }

  /**
   * Many devices' reports at once (serial → version; devices connecting together): one read for
   * all of them, one transaction for the rows whose version changed. Returns how many changed.
   */
  async reportedMany(reports: ReadonlyMap<string, string>, source: 'device_cloud' | 'firmware_upgrade' = 'device_cloud'): Promise<number> {
    const serials = [...reports].filter(([, version]) => version).map(([serial]) => serial);
    if (serials.length === 0) return 0;
    const devices = await this.uow.read.devices.firmwareBySerials(serials);
    const changed = devices.filter((d) => d.firmwareVersion !== reports.get(d.serial));
    if (changed.length === 0) return 0;
    await this.uow.tx(async (r) => {
      for (const d of changed) {
        const firmwareVersion = reports.get(d.serial)!;
        const verdict = verdictFor(d.model, firmwareVersion, this.catalogue);
        await r.devices.setFirmware(d.id, firmwareVersion, verdict, this.catalogue.version);
        await r.events.append(d.companyId, DOMAIN_EVENT_TYPES.deviceFirmwareChanged, {
          deviceId: d.id, siteId: d.siteId, serial: d.serial, old: d.firmwareVersion, new: firmwareVersion, compatible: verdict?.compatible ?? null, upgradeTo: verdict?.upgradeTo ?? null, source,
        });
      }
    });
    return changed.length;
  }
}
