/**
 * Firmware upgrade: `PUT|POST /ISAPI/System/updateFirmware` takes a package (checked against the
 * model), progress runs in 5 % steps over `upgradeMs` (or fails at the `upgradeFailsAt` fault),
 * then the device reboots into the new version; `GET /ISAPI/System/upgradeStatus` reports it.
 */
import { firmwareFitsModel, parseFirmwarePackage } from '../../protocol/isapi/firmware-package';
import { upgradeStatusXml } from '../../protocol/isapi/models';
import type { IsapiResponse } from '../types';
import type { DeviceCore, IsapiContext } from './context';
import type { IsapiRoute } from './route';

interface Upgrade {
  percent: number;
  version: string;
  build: string;
  failed: boolean;
  reboot: boolean;
}

export class FirmwareUpgrade {
  private current: Upgrade | undefined;

  constructor(private readonly d: DeviceCore) {}

  /** An upgrade is running (not failed, not yet at 100 %). */
  get running(): boolean {
    const u = this.current;
    return !!u && !u.failed && u.percent < 100;
  }

  /** Ends any upgrade (power cut, factory reset). */
  cancel(): void {
    this.current = undefined;
  }

  /** At boot: the version a completed upgrade installed, if any; the upgrade is over either way. */
  takeInstalled(): { version: string; build: string } | undefined {
    const u = this.current;
    this.current = undefined;
    return u && !u.failed && u.percent >= 100 ? { version: u.version, build: u.build } : undefined;
  }

  routes(): IsapiRoute[] {
    return [
      ['PUT', /^\/isapi\/system\/updatefirmware$/, (c) => this.start(c)],
      ['POST', /^\/isapi\/system\/updatefirmware$/, (c) => this.start(c)],
      ['GET', /^\/isapi\/system\/upgradestatus$/, (c) => this.statusRes(c)],
    ];
  }

  private start(c: IsapiContext): IsapiResponse {
    const d = this.d;
    if (this.current && !this.current.failed) return d.rs(c, 'upgrading');
    let pkg;
    try {
      pkg = parseFirmwarePackage(c.req.body);
    } catch (e) {
      return d.rs(c, 'badUpgradePackage', { description: e instanceof Error ? e.message : 'bad package' });
    }
    if (!firmwareFitsModel(pkg, d.model)) return d.rs(c, 'devicePlatformMismatch', { description: `The package is for ${pkg.models.join(', ')}, not ${d.model}.` });
    const started: Upgrade = { percent: 0, version: pkg.version, build: pkg.build, failed: false, reboot: false };
    this.current = started;
    const failAt = d.state.faults.upgradeFailsAt;
    const stepMs = Math.max(10, Math.floor(d.options.upgradeMs / 20));
    const tick = (): void => {
      const u = this.current;
      // A power cut or a newer upgrade ends this one.
      if (!u || u !== started || u.failed) return;
      u.percent = Math.min(100, u.percent + 5);
      if (failAt !== null && u.percent >= failAt && failAt < 100) {
        u.failed = true;
        u.percent = failAt;
        d.emitStatus('upgradeFailed', { percent: failAt });
        return;
      }
      d.emitStatus('upgradeProgress', { percent: u.percent });
      if (u.percent >= 100) {
        u.reboot = true;
        d.later(Math.min(500, stepMs * 2), () => d.reboot());
        return;
      }
      d.later(stepMs, tick);
    };
    d.later(stepMs, tick);
    return d.ok(c);
  }

  private statusRes(c: IsapiContext): IsapiResponse {
    const u = this.current;
    if (u?.failed) return this.d.rs(c, 'upgradeFailed', { description: `The upgrade failed at ${u.percent} %.` });
    const status = { upgrading: !!u && u.percent < 100, percent: u?.percent ?? 0, reboot: u?.reboot ?? false, ...(u ? { upgradeStage: u.percent < 100 ? 'software' : 'reboot' } : {}) };
    return this.d.xml(200, upgradeStatusXml(status, this.d.ns));
  }
}
