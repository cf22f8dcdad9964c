/**
 * Issue 13, the photo probes repeated against the real platform over real sockets: an upload with
 * an unexpected field gets its error (it used to get no answer at all), one user's photos beyond
 * their limit get 429 with Retry-After while another user is served, a full node refuses everyone,
 * and images too large to decode are refused from their header.
 */
import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { usePlatformWithCompany, type TestPlatform } from '../../../test/helpers/platform';
import { buildInstaller, buildSite, type TestCompany } from '../../../test/helpers/factories';
import type { ApiClient } from '../../../test/helpers/api';
import { eventually } from '../../../test/helpers/wait';
import { renderQrPng } from '../../qr-image/render';

let p: TestPlatform;
let company: TestCompany;
let siteId: string;
usePlatformWithCompany((fx) => ({ p, company } = fx), { listen: true, config: { photoDecodesPerUser: 2, photoDecodesMax: 3, photoDecodeWorkers: 1 } });
beforeAll(async () => {
  siteId = (await buildSite(company)).id;
});

const LABEL = 'www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n';
const BOUNDARY = 'sk-photo-test';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: any;
}

/** A multipart photo scan over a real socket; the file is sent up to `heldAt` bytes, the rest on finish(). */
function upload(client: ApiClient, file: Buffer, opts: { field?: string; heldAt?: number } = {}): { answer: Promise<Answer>; finish(): Promise<Answer>; abort(): void } {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${opts.field ?? 'image'}"; filename="label.png"\r\nContent-Type: image/png\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const req = request(new URL(`/api/sites/${siteId}/scans`, p.baseUrl), {
    method: 'POST',
    headers: { cookie: client.cookie!, 'x-csrf-token': client.csrfToken!, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': head.length + file.length + tail.length },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
  });
  const heldAt = opts.heldAt ?? file.length;
  req.write(Buffer.concat([head, file.subarray(0, heldAt)]));
  const finish = () => {
    req.end(Buffer.concat([file.subarray(heldAt), tail]));
    return answer;
  };
  if (opts.heldAt === undefined) void finish();
  return { answer, finish, abort: () => req.destroy() };
}

async function labelPhoto(): Promise<Buffer> {
  const qr = await renderQrPng(LABEL, { scale: 6 });
  return sharp({ create: { width: 600, height: 400, channels: 3, background: '#fff' } }).composite([{ input: qr, left: 100, top: 40 }]).png().toBuffer();
}

describe('photo uploads (issue 13)', () => {
  it('answers an upload whose file field has an unexpected name with 400 UPLOAD_FIELD_UNKNOWN', async () => {
    const photo = await labelPhoto();
    // The probe: the whole upload is sent, and before the fix no answer ever came.
    const r = await upload(company.admin, photo, { field: 'photo' }).answer;
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'UPLOAD_FIELD_UNKNOWN', details: { field: 'photo', type: 'file' } });
    // Refused at once: the answer comes while the rest of the file is still unsent.
    const held = upload(company.admin, photo, { field: 'photo', heldAt: 100 });
    expect((await held.answer).body.error.code).toBe('UPLOAD_FIELD_UNKNOWN');
    held.abort();
    // A place taken for a refused upload is given back.
    expect(p.app.platform.photos.inProgress()).toBe(0);
  });

  it('refuses a photo over the pixel cap from its header (413 IMAGE_TOO_LARGE) and scans a normal one', async () => {
    const png = Buffer.from(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer());
    png.writeUInt32BE(8000, 16);
    png.writeUInt32BE(8000, 20);
    png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
    const big = await upload(company.admin, png).answer;
    expect([big.status, big.body.error.code, big.body.error.details]).toEqual([413, 'IMAGE_TOO_LARGE', { width: 8000, height: 8000, maxPixels: p.config.photoMaxPixels }]);
    const ok = await upload(company.admin, await labelPhoto()).answer;
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.classified).toMatchObject({ kind: 'label' });
  });

  it("refuses one user's photos beyond their limit with 429 and Retry-After while another user is served; a full node refuses everyone", async () => {
    const photo = await labelPhoto();
    const bob = await buildInstaller(p.app, company, 'manage_all');
    const carol = await buildInstaller(p.app, company, 'manage_all');
    // The admin holds two places: uploads that have started but not finished sending.
    const a1 = upload(company.admin, photo, { heldAt: 100 });
    const a2 = upload(company.admin, photo, { heldAt: 100 });
    await eventually(() => p.app.platform.photos.inProgress(company.adminId) === 2, 'two photos of the admin in progress');

    const a3 = await upload(company.admin, photo).answer;
    expect(a3.status).toBe(429);
    expect(a3.body.error).toMatchObject({ code: 'IMAGE_DECODE_BUSY', details: { scope: 'user', limit: 2 } });
    expect(Number(a3.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(String(a3.retryAfter)).toBe(String(a3.body.error.details.retryAfterSeconds));

    // Another user still gets their photo decoded.
    const b1 = await upload(bob.client, photo).answer;
    expect(b1.status, JSON.stringify(b1.body)).toBe(201);

    // Bob takes the node's last place (3): now everyone is refused, Carol included.
    const b2 = upload(bob.client, photo, { heldAt: 100 });
    await eventually(() => p.app.platform.photos.inProgress() === 3, 'three photos in progress');
    const c1 = await upload(carol.client, photo).answer;
    expect([c1.status, c1.body.error.code, c1.body.error.details.scope]).toEqual([429, 'IMAGE_DECODE_BUSY', 'server']);
    expect(Number(c1.retryAfter)).toBeGreaterThanOrEqual(1);

    // The held uploads finish and are answered; their places are given back.
    for (const held of [a1, a2, b2]) expect((await held.finish()).status).toBe(201);
    expect(p.app.platform.photos.inProgress()).toBe(0);
    expect((await upload(carol.client, photo).answer).status).toBe(201);
  });
});
