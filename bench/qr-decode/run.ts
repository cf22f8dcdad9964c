/**
 * QR decode benchmark (not a test): ours vs zxing-wasm with default options vs jsQR, side by side
 * in one run, on the real photos of ../shared/qr-photos (scored by its README's rule), on large
 * photos decoded at full size vs downscaled (large.ts), on a synthetic degradation set generated
 * here, and on a 1280×720 camera frame.
 *
 *   npx tsx bench/qr-decode/run.ts [--no-write] [--per-category N]
 *
 * QR_PHOTOS_DIR overrides the photo folder. Results go to bench/RESULTS.md under "## QR decode".
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { readBarcodes } from 'zxing-wasm/reader';
import { decodeRgba, type RgbaImage } from '../../src/qr-image/decoder-core';
import { decodeImageBuffer, decodePhotoRgba } from '../../src/qr-image/decode-image';
import { loadZxingForNode } from '../../src/qr-image/zxing-node';
import { median, percentile, scoreImage, type Label, type Pt, type Result } from './score';
import { cameraFrame, generateSyntheticSet, type SyntheticImage } from './synthetic';
import { largePhotos } from './large';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const photosDir = process.env.QR_PHOTOS_DIR ?? resolve(repo, '../shared/qr-photos');
const args = process.argv.slice(2);
const write = !args.includes('--no-write');
const perCategoryArg = args.indexOf('--per-category');
const perCategory = perCategoryArg >= 0 ? Number(args[perCategoryArg + 1]) : 8;

const summary: string[] = [];

type DecoderName = 'ours' | 'zxing-default' | 'zxing+denoise' | 'jsQR';
const DECODERS: DecoderName[] = ['ours', 'zxing-default', 'zxing+denoise', 'jsQR'];
type Decode = (img: RgbaImage) => Promise<Result[]>;

const corners = (p: { topLeft: { x: number; y: number }; topRight: { x: number; y: number }; bottomRight: { x: number; y: number }; bottomLeft: { x: number; y: number } }): Pt[] =>
  [p.topLeft, p.topRight, p.bottomRight, p.bottomLeft].map((q) => [q.x, q.y] as Pt);

const zx = (img: RgbaImage, denoise: boolean) =>
  readBarcodes({ data: img.data, width: img.width, height: img.height, colorSpace: 'srgb' } as unknown as ImageData, { formats: ['QRCode'], ...(denoise ? { tryDenoise: true } : {}) });

const decoders: Record<DecoderName, Decode> = {
  ours: async (img) => (await decodePhotoRgba(img)).map((c) => ({ text: c.text, corners: corners(c.position) })),
  'zxing-default': async (img) => (await zx(img, false)).filter((r) => r.isValid).map((r) => ({ text: r.text, corners: corners(r.position) })),
  'zxing+denoise': async (img) => (await zx(img, true)).filter((r) => r.isValid).map((r) => ({ text: r.text, corners: corners(r.position) })),
  jsQR: async (img) => {
    const r = jsQR(img.data, img.width, img.height);
    if (!r) return [];
    const l = r.location;
    return [{ text: r.data, corners: [l.topLeftCorner, l.topRightCorner, l.bottomRightCorner, l.bottomLeftCorner].map((q) => [q.x, q.y] as Pt) }];
  },
};

/** Decoder order rotates per image so that no decoder always runs first (cold caches, GC). */
function rotated(i: number): DecoderName[] {
  const k = i % DECODERS.length;
  return [...DECODERS.slice(k), ...DECODERS.slice(0, k)];
}

async function timed(d: Decode, img: RgbaImage): Promise<{ results: Result[]; ms: number }> {
  const t = performance.now();
  const results = await d(img);
  return { results, ms: performance.now() - t };
}

async function rgbaOfFile(file: string): Promise<RgbaImage> {
  // Stored pixels, no .rotate(): the labels refer to them (see the photo set's README).
  const { data, info } = await sharp(file).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

interface Tally {
  images: number;
  labelled: number;
  found: number;
  imagesWithCode: number;
  wrong: number;
  knownFound: number;
  offLabel: number;
  duplicates: number;
  ms: number[];
}
const newTally = (): Tally => ({ images: 0, labelled: 0, found: 0, imagesWithCode: 0, wrong: 0, knownFound: 0, offLabel: 0, duplicates: 0, ms: [] });

const pct = (a: number, b: number) => `${a}/${b} (${b ? ((100 * a) / b).toFixed(1) : '0.0'} %)`;
const fmtMs = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const msCell = (t: Tally) => `${fmtMs(median(t.ms))} / ${fmtMs(percentile(t.ms, 90))}`;

function table(headers: string[], rows: string[][]): string {
  return [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

async function realPhotos(lines: string[]): Promise<void> {
  const manifestFile = join(photosDir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    const msg = `Real photos: MISSING — no manifest at ${photosDir} (set QR_PHOTOS_DIR). This part of the benchmark did not run.`;
    console.log(msg);
    lines.push(`### Real photos\n\n**${msg}**\n`);
    return;
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { images: Array<{ path: string; category: string; codes: Array<{ polygon: Pt[]; payload: string | null }> }> };
  const byCat = new Map<string, Record<DecoderName, Tally>>();
  const total = Object.fromEntries(DECODERS.map((d) => [d, newTally()])) as Record<DecoderName, Tally>;
  let e2eFound = 0;
  let labelledAll = 0;
  // Warm-up, one call per decoder.
  const first = await rgbaOfFile(join(photosDir, manifest.images[0]!.path));
  for (const d of DECODERS) await decoders[d](first);

  let imageIndex = 0;
  for (const entry of manifest.images) {
    const file = join(photosDir, entry.path);
    const img = await rgbaOfFile(file);
    const labels: Label[] = entry.codes.map((c) => ({ polygon: c.polygon, payload: c.payload }));
    labelledAll += labels.length;
    if (!byCat.has(entry.category)) byCat.set(entry.category, Object.fromEntries(DECODERS.map((d) => [d, newTally()])) as Record<DecoderName, Tally>);
    const cat = byCat.get(entry.category)!;
    for (const d of rotated(imageIndex++)) {
      const { results, ms } = await timed(decoders[d], img);
      const s = scoreImage(labels, results);
      for (const t of [cat[d], total[d]]) {
        t.images++;
        t.labelled += s.labelled;
        t.found += s.found;
        t.imagesWithCode += s.found > 0 ? 1 : 0;
        t.wrong += s.wrongPayloads;
        t.knownFound += s.knownPayloadsFound;
        t.offLabel += s.offLabel;
        t.duplicates += s.duplicates;
        t.ms.push(ms);
      }
    }
    // The product path (file bytes → EXIF rotation → decode → positions mapped back to stored pixels).
    const e2e = await decodeImageBuffer(readFileSync(file));
    e2eFound += scoreImage(labels, e2e.codes.map((c) => ({ text: c.text, corners: corners(c.position) }))).found;
    process.stdout.write('.');
  }
  process.stdout.write('\n');

  const cats = [...byCat.keys()].sort();
  const row = (name: string, t: Record<DecoderName, Tally>, f: (x: Tally) => string) => [name, String(t.ours.images), ...DECODERS.map((d) => f(t[d]))];
  const head = ['category', 'images', ...DECODERS];
  lines.push(`### Real photos (${photosDir.endsWith('qr-photos') ? '../shared/qr-photos' : photosDir}: ${total.ours.images} images, ${total.ours.labelled} labelled codes)\n`);
  lines.push('Codes found / labelled:\n');
  lines.push(table(head, [...cats.map((c) => row(c, byCat.get(c)!, (t) => pct(t.found, t.labelled))), row('**total**', total, (t) => `**${pct(t.found, t.labelled)}**`)]));
  lines.push('\nImages with ≥ 1 code found:\n');
  lines.push(table(head, [...cats.map((c) => row(c, byCat.get(c)!, (t) => pct(t.imagesWithCode, t.images))), row('**total**', total, (t) => `**${pct(t.imagesWithCode, t.images)}**`)]));
  lines.push('\nms per image, decode call only (median / p90, nearest rank):\n');
  lines.push(table(head, [...cats.map((c) => row(c, byCat.get(c)!, msCell)), row('**total**', total, msCell)]));
  lines.push('\nCorrectness:\n');
  lines.push(
    table(
      ['', ...DECODERS],
      [
        ['wrong payloads / found codes with a known payload', ...DECODERS.map((d) => `${total[d].wrong} / ${total[d].knownFound}`)],
        ['off-label results', ...DECODERS.map((d) => String(total[d].offLabel))],
        ['duplicates', ...DECODERS.map((d) => String(total[d].duplicates))],
      ],
    ),
  );
  lines.push(`\nProduct path check (\`decodeImageBuffer\`: file bytes, EXIF orientation applied, positions mapped back to stored pixels): ${pct(e2eFound, labelledAll)} codes found.\n`);
  const o = total.ours;
  const zd = total['zxing+denoise'];
  const jq = total.jsQR;
  summary.push(
    `Real photos: ours ${o.found}/${o.labelled} codes (${o.imagesWithCode}/${o.images} images) vs zxing-wasm + denoise ${zd.found}/${zd.labelled} (${zd.imagesWithCode}/${zd.images}) and defaults ${total['zxing-default'].found}/${total['zxing-default'].labelled}: ${o.found >= zd.found ? 'goal met' : 'goal MISSED'} (at least zxing-wasm with denoise).`,
    `Wrong payloads: ours ${o.wrong} on the photos (off-label ${o.offLabel}).`,
    `Codes vs jsQR on the photos: ${o.found} vs ${jq.found} = ${(o.found / Math.max(1, jq.found)).toFixed(1)}× (goal ≥ 5×).`,
    'Time: where the first pass finds a code, ours costs what zxing-wasm + denoise costs; photos where it finds nothing also get the upscale fallback, which is what raises our median and p90.',
  );
  console.log(`real photos: ${DECODERS.map((d) => `${d} ${total[d].found}/${total[d].labelled}`).join(', ')}; decodeImageBuffer ${e2eFound}`);
}

async function synthetic(lines: string[]): Promise<void> {
  const t0 = performance.now();
  const set = await generateSyntheticSet(perCategory);
  const genMs = performance.now() - t0;
  const cats = [...new Set(set.map((s) => s.category))];
  const tallies = new Map(cats.map((c) => [c, Object.fromEntries(DECODERS.map((d) => [d, newTally()])) as Record<DecoderName, Tally>]));
  const total = Object.fromEntries(DECODERS.map((d) => [d, newTally()])) as Record<DecoderName, Tally>;
  for (const [i, img] of set.entries()) {
    for (const d of rotated(i)) {
      const { results, ms } = await timed(decoders[d], img);
      const ok = results.some((r) => r.text === img.payload);
      const wrong = results.filter((r) => r.text !== img.payload).length;
      for (const t of [tallies.get(img.category)![d], total[d]]) {
        t.images++;
        t.labelled++;
        t.found += ok ? 1 : 0;
        t.imagesWithCode += ok ? 1 : 0;
        t.wrong += wrong;
        t.ms.push(ms);
      }
    }
  }
  const head = ['degradation', 'images', ...DECODERS];
  const row = (name: string, t: Record<DecoderName, Tally>, f: (x: Tally) => string) => [name, String(t.ours.images), ...DECODERS.map((d) => f(t[d]))];
  lines.push(`### Synthetic degradation set (generated: ${set.length} images, ${perCategory} per degradation from mild to severe, one code each; ${(genMs / 1000).toFixed(1)} s to generate)\n`);
  lines.push('Codes read with the exact payload / images:\n');
  lines.push(table(head, [...cats.map((c) => row(c, tallies.get(c)!, (t) => pct(t.found, t.labelled))), row('**total**', total, (t) => `**${pct(t.found, t.labelled)}**`)]));
  lines.push('\nWrong payloads (a result whose text differs from the code\'s):\n');
  lines.push(table(['', ...DECODERS], [['wrong payloads', ...DECODERS.map((d) => String(total[d].wrong))]]));
  lines.push('\nms per image (median / p90):\n');
  lines.push(table(head, [...cats.map((c) => row(c, tallies.get(c)!, msCell)), row('**total**', total, msCell)]));
  lines.push('');
  summary.push(`Synthetic set: ours ${total.ours.found}/${total.ours.labelled}, zxing defaults ${total['zxing-default'].found}, + denoise ${total['zxing+denoise'].found}, jsQR ${total.jsQR.found}; wrong payloads: ours ${total.ours.wrong}.`);
  console.log(`synthetic: ${DECODERS.map((d) => `${d} ${total[d].found}/${total[d].labelled} wrong ${total[d].wrong}`).join(', ')}`);
}

const frameRef = { zxingMedian: NaN };

async function frame(lines: string[]): Promise<void> {
  const img: SyntheticImage = await cameraFrame();
  const runs: Array<[string, Decode, number]> = [
    ['ours, frame mode (`decodeRgba(img, "frame")`, the worker path)', async (i) => (await decodeRgba(i, 'frame')).map((c) => ({ text: c.text, corners: corners(c.position) })), 40],
    ['ours, photo mode', decoders.ours, 20],
    ['zxing-wasm defaults', decoders['zxing-default'], 40],
    ['jsQR', decoders.jsQR, 10],
  ];
  const rows: string[][] = [];
  let first = true;
  for (const [name, d, n] of runs) {
    await d(img);
    const ms: number[] = [];
    const cpuMs: number[] = [];
    let ok = 0;
    for (let i = 0; i < n; i++) {
      // CPU time as well as wall time: on a shared machine the wall time mostly measures waiting.
      const c0 = process.cpuUsage();
      const r = await timed(d, img);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000);
      ms.push(r.ms);
      if (r.results.some((x) => x.text === img.payload)) ok++;
    }
    if (name.startsWith('zxing')) frameRef.zxingMedian = median(ms);
    rows.push([name, `${ok}/${n}`, fmtMs(median(ms)), fmtMs(percentile(ms, 90)), fmtMs(median(cpuMs))]);
    if (first) summary.push(`1280×720 frame, ours in frame mode: ${fmtMs(median(ms))} ms median wall time, ${fmtMs(median(cpuMs))} ms median CPU time (goal ≤ 15 ms: ${median(ms) <= 15 ? 'met' : 'not met'}; see the load note).`);
    first = false;
  }
  lines.push('### 1280×720 camera frame (label QR, 6 px/module, mild blur and noise)\n');
  lines.push(table(['decoder', 'read', 'median ms', 'p90 ms', 'median CPU ms'], rows));
  lines.push('');
  console.log(`frame: ${rows.map((r) => `${r[0]!.split(' (')[0]} ${r[2]} ms`).join(', ')}`);
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const l = execFileSync('lscpu', { encoding: 'utf8' });
    model = /Model name:\s*(.+)/.exec(l)?.[1]?.trim() ?? model;
  } catch {
    // lscpu missing: keep Node's view of the CPU.
  }
  let load = 'n/a';
  try {
    load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    // Not Linux: no load average.
  }
  return `${cpus().length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}; load average at start ${load}`;
}

async function main(): Promise<void> {
  await loadZxingForNode();
  const started = new Date();
  const lines: string[] = [];
  const pkg = (n: string) => (JSON.parse(readFileSync(join(repo, 'node_modules', n, 'package.json'), 'utf8')) as { version: string }).version;
  lines.push('## QR decode\n');
  lines.push(`Run of ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npx tsx bench/qr-decode/run.ts\`. Machine: ${machine()}. zxing-wasm ${pkg('zxing-wasm')}, jsqr ${pkg('jsqr')}, sharp ${pkg('sharp')}.\n`);
  lines.push('Decoders, all on the same RGBA pixels (stored, no EXIF rotation), timing the decode call only after one warm-up call; the order of decoders rotates from image to image:\n');
  lines.push('* **ours** — `decodePhotoRgba` (src/qr-image/decode-image.ts): zxing-wasm with tryHarder/tryRotate/tryInvert/tryDownscale + **tryDenoise**; when that finds nothing and the photo is small (≤ 2.56 MP), one fallback pass on a cubic upscale (up to 2×, ≤ 4 MP) without denoise.');
  lines.push('* **zxing-default** — `readBarcodes(rgba, { formats: ["QRCode"] })`, the reader defaults.');
  lines.push('* **zxing+denoise** — the same plus `tryDenoise: true` (reference for the goal).');
  lines.push('* **jsQR** — `jsQR(data, width, height)` with its defaults (one code per image at most).\n');
  await realPhotos(lines);
  if (existsSync(join(photosDir, 'manifest.json'))) await largePhotos(lines, summary, photosDir);
  await synthetic(lines);
  await frame(lines);
  let loadEnd = 'n/a';
  try {
    loadEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    // Not Linux.
  }
  lines.push('### Summary\n');
  lines.push(...summary.map((l) => `* ${l}`));
  lines.push(
    `* Load note: load average ${loadEnd} at the end of the run (${Number(loadEnd.split(' ')[0]) < 1.5 ? 'the machine was otherwise idle, so absolute times are representative' : 'the cores were shared with other work, so absolute times are inflated; compare decoders only within this run'}). On an idle machine ../shared/qr-photos/BASELINE.md measured zxing-wasm defaults at 7.6–8.3 ms median per photo; in this run the same decoder took ${fmtMs(frameRef.zxingMedian)} ms on the camera frame, and ours in frame mode is one zxing pass without denoise that stops at the first code.`,
  );
  lines.push('');
  const section = `${lines.join('\n').trim()}\n`;
  console.log(`\n${section}`);
  if (!write) return;
  const file = join(repo, 'bench/RESULTS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = old.indexOf('## QR decode');
  let next = -1;
  if (start >= 0) {
    const m = /\n## /.exec(old.slice(start + 1));
    next = m ? start + 1 + m.index + 1 : -1;
  }
  const updated = start < 0 ? `${old.trimEnd()}\n\n${section}` : `${old.slice(0, start)}${section}${next >= 0 ? `\n${old.slice(next)}` : ''}`;
  writeFileSync(file, updated);
  console.log(`wrote ${file}`);
}

await main();
