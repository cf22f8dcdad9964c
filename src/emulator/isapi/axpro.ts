/**
 * The AX Pro alarm hub part of an emulated device: JSON status and control under
 * /ISAPI/SecurityCP, AX Pro accounts (installer / administrator / operator) as JSON under
 * /ISAPI/Security/users, the panel's faults (zones, tamper, battery, mains), and its session
 * login (./axpro-session.ts). JSON keys follow the zone samples in ../shared/isapi-samples (ids
 * are 0-based there too).
 */
import type { UserWrite } from '../../protocol/isapi/models';
import type { ZoneCondition, ZoneState } from '../state';
import type { IsapiResponse } from '../types';
import { AxProSessions } from './axpro-session';
import type { DeviceCore, IsapiContext } from './context';
import { addUser, deleteUser, modifyUser } from './users';

export const AXPRO_LEVELS = ['installer', 'administrator', 'operator'];
/** Area id meaning "every area": what clients send to arm or disarm the whole panel (paths are matched lower-case). */
export const ALL_AREAS = '0xffffffff';

export class AxProPanel {
  readonly sessions: AxProSessions;

  constructor(private readonly d: DeviceCore) {
    this.sessions = new AxProSessions(d);
  }

  private get s() {
    const a = this.d.state.axpro;
    if (!a) throw new Error('not an AX Pro');
    return a;
  }

  // ------------------------------------------------------------------ JSON documents
  private zoneArmed(z: ZoneState): boolean {
    const ss = this.s.subSystems.find((x) => x.id === z.subSystemNo);
    return !!ss && ss.arming !== 'disarm' && !z.bypassed;
  }

  zoneStatusJson(z: ZoneState): Record<string, unknown> {
    const open = z.condition === 'open';
    const fault = z.condition === 'fault';
    const tamper = z.condition === 'tamper';
    const ss = this.s.subSystems.find((x) => x.id === z.subSystemNo);
    const alarm = !!ss?.alarm && open && this.zoneArmed(z);
    const common = {
      id: z.id,
      name: z.name,
      status: fault ? 'offline' : open ? 'trigger' : 'online',
      sensorStatus: tamper ? 'tamper' : fault ? 'fault' : 'normal',
    };
    const flags = { tamperEvident: tamper, shielded: false, bypassed: z.bypassed, armed: this.zoneArmed(z), isArming: false, alarm };
    const tail = { subSystemNo: z.subSystemNo, linkageSubSystem: [z.subSystemNo] };
    switch (z.kind) {
      case 'wiredMagnetic':
        return {
          ...common, magnetOpenStatus: open, ...flags, reason: open ? 'break' : 'normal', ...tail,
          detectorType: 'magneticContact', stayAway: false, zoneType: 'Instant', accessModuleType: 'localTransmitter', moduleChannel: z.id + 1,
          zoneAttrib: 'wired', deviceNo: z.id + 1, abnormalOrNot: fault || tamper,
        };
      case 'wiredPir':
        return {
          ...common, zoneAttrib: 'wired', moduleType: 'localWired', accessModuleType: 'localZone', moduleChannel: z.id + 1, relatedAccessModuleID: 2,
          ...flags, isMasking: false, ...tail, detectorType: 'passiveInfraredDetector', stayAway: true, zoneType: 'Instant', deviceNo: z.id + 1, abnormalOrNot: fault || tamper,
        };
      default: {
        const battery = this.s.batteryPercent < 20 ? 'lowPower' : 'normal';
        return {
          ...common, ...(z.kind === 'wirelessMagnetic' ? { magnetOpenStatus: open } : {}), ...flags,
          charge: battery, chargeValue: 100, signal: 121, realSignal: 135, signalType: 'R3', temperature: 23, ...tail,
          detectorType: z.kind === 'wirelessMagnetic' ? 'magneticContact' : 'passiveInfraredDetector', model: z.kind === 'wirelessMagnetic' ? '0x00006' : '0x00018',
          stayAway: z.kind === 'wirelessPir', zoneType: 'Delay',
          InputList: [{ id: 1, enabled: false, mode: 'normalClose' }],
          isViaRepeater: false, zoneAttrib: 'wireless', version: 'V1.0.0', deviceNo: z.id + 1, abnormalOrNot: fault || tamper, isMasking: false,
          antiMaskingEnabled: false, mountingType: 'wall', waterDetectorAlarm: 'no', healthStatus: fault ? 'abnormal' : 'normal', workMode: 'detector',
          pollingOptionEnable: false, associateRelayCfg: [],
        };
      }
    }
  }

  zoneConfigJson(z: ZoneState): Record<string, unknown> {
    const base = {
      supportLinkageKeypadList: [] as number[], id: z.id, zoneName: z.name,
      detectorType: z.kind.endsWith('Magnetic') ? 'magneticContact' : 'passiveInfraredDetector',
    };
    const delays = { enterDelay: 30, exitDelay: 30, stayArmDelayTime: 0, sirenDelayTime: 0 };
    if (z.kind.startsWith('wired')) {
      return {
        ...base, detectorAccessMode: 'NC', detectorWiringMode: 'noEOL', zoneType: 'Instant', subSystemNo: z.subSystemNo, doubleZoneCfgEnable: false,
        linkageSubSystem: [z.subSystemNo], armMode: 'and', pulseSensitivity: 30, zoneAttrib: 'wired', address: 15, moduleType: 'localWired',
        accessModuleType: 'localZone', moduleChannel: z.id + 1, finalDoorExitEnabled: false, timeRestartEnabled: false, relatedKeypadNo: 0,
        supportLinkageSubSystemList: [1], ...delays, stayAwayEnabled: z.kind === 'wiredPir', chimeEnabled: false, silentEnabled: false, timeout: 0,
        timeoutType: 'recover', deviceNo: z.id + 1, model: '0x00001', reportSendDelayTimeEnabled: false, reportSendDelayTime: 0,
        AlarmSoundInterlink: { supportLinkageZones: [], linkageZones: [] }, armNoBypassEnabled: false,
      };
    }
    return {
      ...base, zoneType: 'Delay', subSystemNo: z.subSystemNo, linkageSubSystem: [z.subSystemNo], armMode: 'and', zoneAttrib: 'wireless',
      accessModuleType: 'localTransmitter', relatedAccessModuleID: 1, moduleType: 'localWireless', relatedKeypadNo: [], supportLinkageSubSystemList: [1],
      ...delays, stayAwayEnabled: z.kind === 'wirelessPir', chimeEnabled: false, silentEnabled: false, chimeWarningType: 'single', timeoutType: 'tigger',
      timeout: 30, relateDetector: true, detectorSeq: this.d.serial.slice(-6) + String(z.id).padStart(6, '0'),
      RelatedChanList: [{ RelatedChan: { relator: 'host', cameraSeq: '', relatedChan: 0, linkageCameraName: '' } }],
      doubleKnockEnabled: false, doubleKnockTime: 5,
      CrossZoneCfg: { isAssociated: false, supportAssociatedZone: [], alreadyAssociatedZone: [], supportLinkageChannelID: [], alreadyLinkageChannelID: [], associateTime: 1800 },
      newKeyZoneTriggerTypeCfg: 'zoneStatus', zoneStatusCfg: 'triggerArm', armNoBypassEnabled: false,
      RelatedPIRCAM: { supportLinkageZones: [], linkageZone: [], linkagePIRCAMName: '' }, deviceNo: z.id + 1, model: '0x000CA',
    };
  }

  hostStatusJson(): Record<string, unknown> {
    const s = this.s;
    return {
      HostStatus: {
        ACConnect: s.mainsConnected,
        mainsPowerStatus: s.mainsConnected ? 'connected' : 'disconnected',
        batteryLevel: s.batteryPercent,
        batteryStatus: s.batteryPercent < 20 ? 'lowPower' : 'normal',
        lowBattery: s.batteryPercent < 20,
        tamperEvident: s.tamper,
        armStatus: s.subSystems.some((x) => x.arming === 'away') ? 'away' : s.subSystems.some((x) => x.arming === 'stay') ? 'stay' : 'disarm',
        alarm: s.subSystems.some((x) => x.alarm),
      },
    };
  }

  // ------------------------------------------------------------------ routing
  /** After authentication: the AX Pro's own path families, or undefined to leave the request to the route table. */
  route(c: IsapiContext): IsapiResponse | undefined {
    if (c.path.startsWith('/isapi/securitycp')) return this.handle(c, c.method, c.path);
    if (c.json && c.path.startsWith('/isapi/security/users')) return this.handleUsers(c, c.method, c.path);
    if (c.path === '/isapi/security/sessionlogout') return this.sessions.logout(c);
    return undefined;
  }

  private handle(c: IsapiContext, method: string, path: string): IsapiResponse {
    const s = this.s;
    const j = { ...c, json: true };
    if (method === 'GET') {
      if (path === '/isapi/securitycp/status/zones') return this.d.jsonRes(200, { ZoneList: s.zones.map((z) => ({ Zone: this.zoneStatusJson(z) })) });
      if (path === '/isapi/securitycp/configuration/zones') return this.d.jsonRes(200, { List: s.zones.map((z) => ({ Zone: this.zoneConfigJson(z) })) });
      if (path === '/isapi/securitycp/status/subsystems') {
        return this.d.jsonRes(200, { SubSysList: s.subSystems.map((x) => ({ SubSys: { id: x.id, arming: x.arming, alarm: x.alarm, enabled: true, name: x.name } })) });
      }
      if (path === '/isapi/securitycp/status/host') return this.d.jsonRes(200, this.hostStatusJson());
      if (path === '/isapi/securitycp/status/armstatus') return this.d.jsonRes(200, { ArmStatus: { SubSysList: s.subSystems.map((x) => ({ SubSys: { id: x.id, arming: x.arming } })) } });
      if (path === '/isapi/securitycp/status/exdevstatus') return this.d.jsonRes(200, { ExDevStatus: { OutputModList: [], OutputList: [], SirenList: [], RepeaterList: [], KeypadList: [] } });
      if (path === '/isapi/securitycp/capabilities') {
        return this.d.jsonRes(200, { SecurityCPCap: { isSupportZoneStatus: true, isSupportSubSystemStatus: true, isSupportHostStatus: true, isSupportArm: true, isSupportBypass: true, zoneNum: s.zones.length } });
      }
    }
    if (method === 'PUT' || method === 'POST') {
      let m = /^\/isapi\/securitycp\/control\/arm\/(\d+|0xffffffff)$/.exec(path);
      if (m?.[1]) {
        const ways = c.query.get('ways') ?? 'away';
        if (ways !== 'away' && ways !== 'stay') return this.d.rs(j, 'badParameters', { description: 'ways must be away or stay.' });
        return this.setArming(j, m[1], ways);
      }
      m = /^\/isapi\/securitycp\/control\/disarm\/(\d+|0xffffffff)$/.exec(path);
      if (m?.[1]) return this.setArming(j, m[1], 'disarm');
      m = /^\/isapi\/securitycp\/control\/(bypass|bypassrecover)\/(\d+)$/.exec(path);
      if (m) {
        const z = s.zones.find((x) => x.id === Number(m?.[2]));
        if (!z) return this.d.rs(j, 'badParameters', { http: 404, description: 'No such zone.' });
        this.setZone(z.id, m[1] === 'bypass' ? 'bypass' : 'unbypass');
        return this.d.rs(j, 'ok');
      }
    }
    return this.d.rs(j, 'notSupport', { http: 404 });
  }

  /** Arms or disarms one area, or every area for `0xffffffff`. */
  private setArming(c: IsapiContext, area: string, arming: 'away' | 'stay' | 'disarm'): IsapiResponse {
    const areas = area === ALL_AREAS ? this.s.subSystems : this.s.subSystems.filter((x) => x.id === Number(area));
    if (areas.length === 0) return this.d.rs(c, 'badParameters', { http: 404, description: 'No such area.' });
    for (const ss of areas) {
      ss.arming = arming;
      if (arming === 'disarm') ss.alarm = false;
      this.d.emitStatus('armStatus', { subSystem: ss.id, arming, by: c.user?.userName ?? 'cloud' });
    }
    this.d.changed();
    return this.d.rs(c, 'ok');
  }

  private handleUsers(c: IsapiContext, method: string, path: string): IsapiResponse {
    const j = { ...c, json: true };
    const body = (): UserWrite | null => {
      try {
        const v = JSON.parse(c.req.body.toString('utf8')) as { User?: Record<string, unknown> };
        const u: Record<string, unknown> = v.User ?? v;
        const out: UserWrite = {};
        for (const k of ['userName', 'password', 'userLevel', 'loginPassword'] as const) if (typeof u[k] === 'string') out[k] = u[k];
        return out;
      } catch {
        return null;
      }
    };
    if (path === '/isapi/security/users') {
      if (method === 'GET') {
        return this.d.jsonRes(200, { UserList: this.d.state.users.map((u) => ({ User: { id: u.id, userName: u.userName, userLevel: u.userLevel, userType: u.userLevel } })) });
      }
      if (method === 'POST') {
        const u = body();
        return u ? addUser(this.d, j, u, AXPRO_LEVELS) : this.d.rs(j, 'badParameters');
      }
    }
    const m = /^\/isapi\/security\/users\/(\d+)$/.exec(path);
    if (m && method === 'PUT') {
      const u = body();
      return u ? modifyUser(this.d, j, Number(m[1]), u, AXPRO_LEVELS) : this.d.rs(j, 'badParameters');
    }
    if (m && method === 'DELETE') return deleteUser(this.d, j, Number(m[1]));
    return this.d.rs(j, 'notSupport', { http: 404 });
  }

  // ------------------------------------------------------------------ faults
  setZone(id: number, status: ZoneCondition | 'bypass' | 'unbypass'): void {
    const z = this.s.zones.find((x) => x.id === id);
    if (!z) throw new Error(`no zone ${id}`);
    if (status === 'bypass' || status === 'unbypass') z.bypassed = status === 'bypass';
    else if (['normal', 'open', 'fault', 'tamper'].includes(status)) z.condition = status;
    else throw new Error(`bad zone status ${String(status)}`);
    const ss = this.s.subSystems.find((x) => x.id === z.subSystemNo);
    const stayIgnored = ss?.arming === 'stay' && (z.kind === 'wiredPir' || z.kind === 'wirelessPir');
    if (z.condition === 'open' && ss && this.zoneArmed(z) && !stayIgnored && !ss.alarm) {
      ss.alarm = true;
      this.d.emitStatus('alarm', { zoneId: z.id, zoneName: z.name, subSystem: ss.id });
    }
    this.d.emitStatus('zoneStatus', { zoneId: z.id, condition: z.condition, bypassed: z.bypassed });
    this.d.changed();
  }

  setTamper(active: boolean): void {
    this.s.tamper = active;
    this.d.emitStatus('tamper', { active, source: 'host' });
  }

  setLowBattery(low: boolean): void {
    this.s.batteryPercent = low ? 15 : 100;
    this.d.emitStatus('lowBattery', { active: low, batteryLevel: this.s.batteryPercent });
  }

  setMains(connected: boolean): void {
    this.s.mainsConnected = connected;
    this.d.emitStatus('mains', { connected });
  }
}
