/**
 * The AX Pro alarm hub part of an emulated device: session login (as real panels and the
 * open-source clients do it), JSON status and control under /ISAPI/SecurityCP, and AX Pro
 * accounts (installer / administrator / operator) as JSON under /ISAPI/Security/users.
 * JSON keys follow the zone samples in ../shared/isapi-samples (ids are 0-based there too).
 */
import { createHash } from 'node:crypto';
import { parseSessionLogin, sessionLoginCapXml, sessionLoginHash } from '../protocol/isapi/session-login';
import type { UserWrite } from '../protocol/isapi/models';
import type { VirtualDevice, IsapiContext } from './device';
import type { StoredUser, ZoneCondition, ZoneState } from './state';
import type { IsapiResponse } from './types';

const SESSION_TTL_MS = 30 * 60_000;
const LOGIN_TTL_MS = 60_000;
const ITERATIONS = 100;
export const AXPRO_LEVELS = ['installer', 'administrator', 'operator'];
/** Area id meaning "every area": what clients send to arm or disarm the whole panel (paths are matched lower-case). */
export const ALL_AREAS = '0xffffffff';

const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export class AxProPanel {
  private pending = new Map<string, { userName: string; challenge: string; expires: number }>();
  private sessions = new Map<string, { userName: string; expires: number }>();

  constructor(private readonly d: VirtualDevice) {}

  private get s() {
    const a = this.d.state.axpro;
    if (!a) throw new Error('not an AX Pro');
    return a;
  }

  private now(): number {
    return this.d.clock();
  }

  private salts(userName: string): { salt: string; salt2: string } {
    return { salt: sha256hex(`${this.d.serial}:salt:${userName}`).toUpperCase(), salt2: sha256hex(`${this.d.serial}:salt2:${userName}`).toUpperCase() };
  }

  get cookieName(): string {
    return `WebSession_${sha256hex(this.d.serial).slice(0, 10)}`;
  }

  clearSessions(): void {
    this.pending.clear();
    this.sessions.clear();
  }

  sessionUser(cookieHeader: string | undefined): StoredUser | undefined {
    if (!cookieHeader) return undefined;
    const m = /WebSession_[0-9a-f]+=([0-9a-f]+)/.exec(cookieHeader);
    const token = m?.[1];
    if (!token) return undefined;
    const sess = this.sessions.get(token);
    if (!sess || sess.expires < this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    sess.expires = this.now() + SESSION_TTL_MS;
    return this.d.state.users.find((u) => u.userName === sess.userName);
  }

  handleSessionLogin(c: IsapiContext, method: string, path: string): IsapiResponse {
    if (method === 'GET' && path === '/isapi/security/sessionlogin/capabilities') {
      const userName = c.query.get('username') ?? '';
      if (this.pending.size > 1000) this.pending.clear();
      const sessionID = sha256hex(`${Math.random()}:${this.now()}:${userName}`);
      const challenge = sha256hex(`${sessionID}:challenge`).slice(0, 32);
      this.pending.set(sessionID, { userName, challenge, expires: this.now() + LOGIN_TTL_MS });
      return this.d.xml(200, sessionLoginCapXml({ sessionID, challenge, iterations: ITERATIONS, isIrreversible: true, ...this.salts(userName) }));
    }
    if (method === 'POST' && path === '/isapi/security/sessionlogin') {
      if (!this.d.state.activated) return this.d.rs(c, 'notActivated');
      let body;
      try {
        body = parseSessionLogin(c.req.body);
      } catch {
        return this.d.rs(c, 'badXmlContent');
      }
      const p = this.pending.get(body.sessionID);
      this.pending.delete(body.sessionID);
      const userName = body.userName || p?.userName || '';
      if (this.d.guard.lockedFor(userName) > 0) return this.d.loginFailed(userName, false, false);
      const user = this.d.state.users.find((u) => u.userName === userName);
      if (!p || p.expires < this.now() || p.userName !== userName || !user) return this.d.loginFailed(userName, true, false);
      const want = sessionLoginHash({ userName, password: user.password, ...this.salts(userName), challenge: p.challenge, iterations: ITERATIONS });
      if (want !== body.password.toLowerCase()) return this.d.loginFailed(userName, true, false);
      this.d.guard.succeed(userName);
      if (this.sessions.size > 1000) this.sessions.clear();
      const token = sha256hex(`${body.sessionID}:${Math.random()}`);
      this.sessions.set(token, { userName, expires: this.now() + SESSION_TTL_MS });
      const res = this.d.ok(c);
      res.headers['set-cookie'] = `${this.cookieName}=${token}; path=/; HttpOnly`;
      return res;
    }
    return this.d.rs(c, 'notSupport', { http: 404 });
  }

  logout(c: IsapiContext): IsapiResponse {
    const m = /WebSession_[0-9a-f]+=([0-9a-f]+)/.exec(c.req.headers.cookie ?? '');
    if (m?.[1]) this.sessions.delete(m[1]);
    return this.d.rs({ ...c, json: true }, 'ok');
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
  handle(c: IsapiContext, method: string, path: string): IsapiResponse {
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

  handleUsers(c: IsapiContext, method: string, path: string): IsapiResponse {
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
        return u ? this.d.addUser(j, u, AXPRO_LEVELS) : this.d.rs(j, 'badParameters');
      }
    }
    const m = /^\/isapi\/security\/users\/(\d+)$/.exec(path);
    if (m && method === 'PUT') {
      const u = body();
      return u ? this.d.modifyUser(j, Number(m[1]), u, AXPRO_LEVELS) : this.d.rs(j, 'badParameters');
    }
    if (m && method === 'DELETE') return this.d.deleteUser(j, Number(m[1]));
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
