import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../errors/app-error';
import { classifyQr, encodeSitekeeperQr, mergeParts, requireUnlocked, splitIntoParts } from '../protocol/qr';
import { decodeImageBuffer } from './decode-image';
import { qrVersionFor, renderQrPng, renderQrSvg, renderQrTerminal } from './render';
import { loadZxingForNode } from './zxing-node';

describe('QR rendering', () => {
  beforeAll(async () => {
    await loadZxingForNode();
  });

  it('renders SVG and terminal output', async () => {
    expect(await renderQrSvg('E12345678')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const term = await renderQrTerminal('E12345678');
    expect(term.split('\n').length).toBeGreaterThan(10);
  });

  it('refuses codes above version 20', async () => {
    const big = 'x'.repeat(1200);
    expect(qrVersionFor(big)).toBeGreaterThan(20);
    await expect(renderQrPng(big)).rejects.toSatisfy((e) => isAppError(e, 'QR_TOO_LARGE'));
    await expect(renderQrPng('x'.repeat(5000), { maxVersion: 40 })).rejects.toSatisfy((e) => isAppError(e, 'QR_TOO_LARGE'));
  });

  it('a large encrypted export → parts ≤ version 20 → PNGs → decoded → merged → the same devices', async () => {
    const devices = Array.from({ length: 30 }, (_, i) => ({
      name: `Camera ${i + 1}`,
      host: `10.20.${i}.${i + 1}`,
      port: 8000,
      user: 'admin',
      password: createHash('sha256').update(`pw${i}`).digest('base64').slice(0, 16),
    }));
    const text = encodeSitekeeperQr({ devices }, { password: 'site password' });
    const parts = splitIntoParts(text);
    expect(parts.length).toBeGreaterThan(1);
    const scanned: string[] = [];
    for (const part of parts) {
      expect(qrVersionFor(part, 'M')).toBeLessThanOrEqual(20);
      const decoded = await decodeImageBuffer(await renderQrPng(part, { scale: 4 }));
      expect(decoded.codes).toHaveLength(1);
      scanned.push(decoded.codes[0]!.text);
    }
    const merged = mergeParts(scanned.reverse());
    const q = requireUnlocked(classifyQr(merged, { password: 'site password' }));
    expect(q).toMatchObject({ kind: 'sitekeeper', encrypted: true, devices });
  });
});
