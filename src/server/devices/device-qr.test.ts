/**
 * "Generate Device QR Code": a device on a site → a Sitekeeper device QR that adds it again,
 * encrypted by default, through the real API and database; the scanner reads it back.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildInstaller, buildOtherCompany, buildSite, type TestCompany } from '../../../test/helpers/factories';
import { classifyQr } from '../../protocol/qr';

let p: TestPlatform;
let company: TestCompany;
let site: { id: string; name: string };

usePlatformWithCompany((fx) => ({ p, company } = fx));
beforeAll(async () => {
  site = await buildSite(company, 'Harbour office');
});

let n = 0;
/** A device as onboarding stores it: secrets sealed with the platform's key. */
async function device(kind: 'cloud' | 'direct' | 'bare'): Promise<{ id: string; serial: string }> {
  const serial = `DS-2CD2143G2-I2024010${n++}AAWRJ${String(10_000_000 + n).slice(1)}`;
  const { secrets, database } = p.app.platform;
  const r = await database.db
    .insertInto('devices')
    .values({
      company_id: company.companyId, site_id: site.id, serial, name: `Cam ${n}`, type: 'camera', model: 'DS-2CD2143G2-I',
      added_via: kind === 'direct' ? 'direct' : 'cloud', host: kind === 'direct' ? '192.168.1.64' : null, port: kind === 'direct' ? 8000 : null,
      credentials_sealed: kind === 'direct' ? secrets.seal(JSON.stringify({ user: 'admin', password: 'Dev1ce-Secret' }), `device:${serial}`) : null,
      verification_code_sealed: kind === 'cloud' ? secrets.seal('ABCDEF', `device-code:${serial}`) : null,
      added_by: null, firmware_compatible: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: r.id, serial };
}

describe('device QR code', () => {
  it('is encrypted with the chosen password and adds the device again (label fields)', async () => {
    const d = await device('cloud');
    const r = await company.admin.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.encrypted).toBe(true);
    expect(r.body.parts).toHaveLength(1);
    const { text, svg } = r.body.parts[0];
    expect(text).toMatch(/^SKQR1:E:/);
    expect(svg).toMatch(/^<svg/);
    expect(text).not.toContain('ABCDEF');
    expect(classifyQr(text)).toMatchObject({ kind: 'sitekeeper', locked: true });
    expect(classifyQr(text, { password: 'Qr-pass-1234' })).toMatchObject({
      kind: 'sitekeeper', locked: false, note: 'Harbour office',
      devices: [{ serial: d.serial, verificationCode: 'ABCDEF', model: 'DS-2CD2143G2-I', name: expect.any(String) }],
    });
    expect(() => classifyQr(text, { password: 'wrong-one' })).toThrow();

    // Audited, without the secrets.
    const audit = await company.admin.get(`/api/audit?action=device.qr.export&targetId=${d.id}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].details).toEqual({ serial: d.serial, encrypted: true, parts: 1, targetLabel: expect.stringContaining(d.serial) });
    expect(JSON.stringify(audit.body)).not.toContain('Qr-pass-1234');
  });

  it('an IP device carries its address and credentials; the scan endpoint reads the code back', async () => {
    const d = await device('direct');
    const r = await company.admin.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' });
    const unlocked = classifyQr(r.body.parts[0].text, { password: 'Qr-pass-1234' });
    expect(unlocked).toMatchObject({ devices: [{ host: '192.168.1.64', port: 8000, user: 'admin', password: 'Dev1ce-Secret' }] });
    // The scanner takes it like any device code: locked first, then unlocked with the password.
    const other = await buildSite(company);
    const locked = await company.admin.post(`/api/sites/${other.id}/scans`, { text: r.body.parts[0].text });
    expect(locked.status).toBe(422);
    expect(locked.body.error.code).toBe('QR_PASSWORD_REQUIRED');
    const scan = await company.admin.post(`/api/sites/${other.id}/scans`, { text: r.body.parts[0].text, qrPassword: 'Qr-pass-1234' });
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    expect(scan.body.classified.kind).toBe('sitekeeper');
    expect(scan.body.candidates).toHaveLength(1);
  });

  it('a plain code only when asked for explicitly; a short password is refused', async () => {
    const d = await device('cloud');
    const none = await company.admin.post(`/api/devices/${d.id}/qr`, {});
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({ code: 'VALIDATION_FAILED', hint: expect.stringMatching(/unencrypted/) });
    expect((await company.admin.post(`/api/devices/${d.id}/qr`, { password: 'short' })).status).toBe(400);
    const plain = await company.admin.post(`/api/devices/${d.id}/qr`, { unencrypted: true });
    expect(plain.status).toBe(200);
    expect(plain.body.encrypted).toBe(false);
    expect(plain.body.parts[0].text).toMatch(/^SKQR1:P:/);
    expect(classifyQr(plain.body.parts[0].text)).toMatchObject({ locked: false, devices: [{ serial: d.serial, verificationCode: 'ABCDEF' }] });
  });

  it('a device Sitekeeper holds no code or credentials for gets DEVICE_QR_UNAVAILABLE', async () => {
    const d = await device('bare');
    const r = await company.admin.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('DEVICE_QR_UNAVAILABLE');
    expect(r.body.error.hint.length).toBeGreaterThan(10);
  });

  it('only for those who may see the site: unassigned installers get 403, other companies 404', async () => {
    const d = await device('cloud');
    const unassigned = await buildInstaller(p.app, company, 'manage_assigned');
    expect((await unassigned.client.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' })).status).toBe(403);
    const other = await buildOtherCompany(p.app);
    expect((await other.admin.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' })).status).toBe(404);
    const manager = await buildInstaller(p.app, company, 'manage_all');
    expect((await manager.client.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' })).status).toBe(200);
  });

  it('a plain code (credentials for anyone who sees it) is for installer admins only; the refusal is audited', async () => {
    const d = await device('direct');
    const manager = await buildInstaller(p.app, company, 'manage_all');
    const refused = await manager.client.post(`/api/devices/${d.id}/qr`, { unencrypted: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'DEVICE_QR_PLAIN_ADMIN_ONLY', hint: expect.stringContaining('password') });
    expect(JSON.stringify(refused.body)).not.toContain('Dev1ce-Secret');
    // The same installer gets an encrypted code; the admin gets the plain one.
    expect((await manager.client.post(`/api/devices/${d.id}/qr`, { password: 'Qr-pass-1234' })).status).toBe(200);
    const plain = await company.admin.post(`/api/devices/${d.id}/qr`, { unencrypted: true });
    expect(plain.status).toBe(200);
    expect(classifyQr(plain.body.parts[0].text)).toMatchObject({ devices: [{ password: 'Dev1ce-Secret' }] });

    const audit = await company.admin.get(`/api/audit?action=device.qr.export&targetId=${d.id}`);
    const rows = audit.body.items.map((i: { actorId: string; outcome: string; details: { encrypted: boolean; reason?: string } }) => [i.actorId === manager.id ? 'installer' : 'admin', i.outcome, i.details.encrypted, i.details.reason ?? null]);
    expect(rows).toEqual(expect.arrayContaining([['installer', 'failure', false, 'plain_code_admin_only'], ['installer', 'success', true, null], ['admin', 'success', false, null]]));
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(audit.body)).not.toContain('Dev1ce-Secret');
  });
});
