/**
 * "Large photos" part of the QR decode benchmark (issue 13): the product path (decodeImageBuffer)
 * on images above the 16 MP decode budget, decoded at full size (the old behaviour, maxDecodePixels
 * unlimited) and downscaled to the budget (the default), side by side: codes found, time, and the
 * pixels handed to zxing (its RGBA buffer, what drove the memory in the issue).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImageBuffer, DEFAULT_MAX_DECODE_PIXELS } from '../../src/qr-image/decode-image';
import { renderQrPng } from '../../src/qr-image/render';
import { median, scoreImage, type Label, type Pt } from './score';

interface Case {
  name: string;
  file: Buffer;
  labels: Label[];
}

const UPSCALE = 2;
const mp = (px: number) => (px / 1e6).toFixed(1);

/** Every real photo of at least 9 MP, upscaled 2× per side (36–49 MP) as a JPEG, with its labels scaled too. */
async function upscaledPhotos(photosDir: string): Promise<Case[]> {
  const manifest = JSON.parse(readFileSync(join(photosDir, 'manifest.json'), 'utf8')) as { images: Array<{ path: string; codes: Array<{ polygon: Pt[]; payload: string | null }> }> };
  const cases: Case[] = [];
  for (const entry of manifest.images) {
    const path = join(photosDir, entry.path);
    const meta = await sharp(path).metadata();
    if ((meta.width ?? 0) * (meta.height ?? 0) < 9_000_000) continue;
    // keepMetadata: the EXIF orientation stays, and the labels refer to the stored pixels.
    const file = await sharp(path).keepMetadata().resize((meta.width ?? 0) * UPSCALE, (meta.height ?? 0) * UPSCALE, { kernel: 'cubic' }).jpeg({ quality: 92 }).toBuffer();
    cases.push({ name: entry.path, file, labels: entry.codes.map((c) => ({ polygon: c.polygon.map(([x, y]) => [x * UPSCALE, y * UPSCALE] as Pt), payload: c.payload })) });
  }
  return cases;
}

/** The issue's probe: a 7000×7000 PNG (here with one label QR in it). */
async function issuePng(): Promise<Case> {
  const qr = await renderQrPng('www.xxx.com\n456654855\nABCDEF\nCS-C3-21PPFR\n', { scale: 16 });
  const side = (await sharp(qr).metadata()).width ?? 0;
  const file = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#c8c8c8' } }).composite([{ input: qr, left: 3000, top: 2500 }]).png().toBuffer();
  return { name: '7000×7000 PNG (issue 13)', file, labels: [{ polygon: [[3000, 2500], [3000 + side, 2500], [3000 + side, 2500 + side], [3000, 2500 + side]], payload: null }] };
}

export async function largePhotos(lines: string[], summary: string[], photosDir: string): Promise<void> {
  const cases = [await issuePng(), ...(await upscaledPhotos(photosDir))];
  const modes = [
    ['full size (before)', Number.POSITIVE_INFINITY],
    [`downscaled to ${mp(DEFAULT_MAX_DECODE_PIXELS)} MP (now)`, DEFAULT_MAX_DECODE_PIXELS],
  ] as const;
  const tally = modes.map(() => ({ found: 0, labelled: 0, ms: [] as number[], rgbaMB: [] as number[] }));
  const rows: string[][] = [];
  for (const c of cases) {
    const row = [c.name, `${mp((await sharp(c.file).metadata()).width! * (await sharp(c.file).metadata()).height!)} MP, ${(c.file.length / 2 ** 20).toFixed(1)} MiB`];
    for (const [i, [, maxDecodePixels]] of modes.entries()) {
      const t0 = performance.now();
      const r = await decodeImageBuffer(c.file, { maxBytes: Number.POSITIVE_INFINITY, maxDecodePixels });
      const ms = performance.now() - t0;
      const s = scoreImage(c.labels, r.codes.map((q) => ({ text: q.text, corners: [q.position.topLeft, q.position.topRight, q.position.bottomRight, q.position.bottomLeft].map((p) => [p.x, p.y] as Pt) })));
      const rgbaMB = (r.decoded.width * r.decoded.height * 4) / 2 ** 20;
      Object.assign(tally[i]!, { found: tally[i]!.found + s.found, labelled: tally[i]!.labelled + s.labelled });
      tally[i]!.ms.push(ms);
      tally[i]!.rgbaMB.push(rgbaMB);
      row.push(`${s.found}/${s.labelled}, ${ms.toFixed(0)} ms, ${rgbaMB.toFixed(0)} MiB`);
    }
    rows.push(row);
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  lines.push(`### Large photos: full-size decode vs the ${mp(DEFAULT_MAX_DECODE_PIXELS)} MP budget (product path, \`decodeImageBuffer\`)\n`);
  lines.push('The issue\'s 7000×7000 PNG and every real photo of ≥ 9 MP upscaled 2× per side (JPEG q92), each decoded at full size (`maxDecodePixels: Infinity`, as before issue 13) and with the default budget. Cells: codes found / labelled, wall time, RGBA buffer handed to zxing. A PNG cannot shrink on load: its time is mostly the PNG decode either way (about the same CPU time in both columns, wall times vary with the load), so for the PNG the gain is memory; JPEGs shrink on load and gain time as well.\n');
  lines.push(['| image | size | ' + modes.map(([n]) => n).join(' | ') + ' |', '|---|---|---:|---:|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n'));
  const cell = (t: (typeof tally)[number]) => `${t.found}/${t.labelled} codes, median ${median(t.ms).toFixed(0)} ms, largest zxing buffer ${Math.max(...t.rgbaMB).toFixed(0)} MiB`;
  lines.push(`\n**Total** — ${modes.map(([n], i) => `${n}: ${cell(tally[i]!)}`).join('; ')}.\n`);
  summary.push(`Large photos (${cases.length}, 36–49 MP): full size ${cell(tally[0]!)}; downscaled ${cell(tally[1]!)}.`);
  console.log(`large photos: ${modes.map(([n], i) => `${n} ${cell(tally[i]!)}`).join('; ')}`);
}
