/** Scoring rule of ../shared/qr-photos/README.md ("How to score a decoder"). */

export type Pt = [number, number];
export interface Label {
  polygon: Pt[];
  payload: string | null;
}
export interface Result {
  text: string;
  corners: Pt[];
}
export interface ImageScore {
  labelled: number;
  found: number;
  offLabel: number;
  duplicates: number;
  wrongPayloads: number;
  knownPayloadsFound: number;
}

function mean(pts: Pt[]): Pt {
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

function insidePolygon(pt: Pt, poly: Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > pt[1] !== yj > pt[1] && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function meanSide(poly: Pt[]): number {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const a = poly[i]!;
    const b = poly[(i + 1) % poly.length]!;
    s += Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
  return s / poly.length;
}

export function scoreImage(labels: Label[], results: Result[]): ImageScore {
  const rs = results.filter((r) => r.text !== '');
  const pairs: Array<{ r: number; l: number; d: number }> = [];
  rs.forEach((r, ri) => {
    const c = mean(r.corners);
    labels.forEach((l, li) => {
      const lc = mean(l.polygon);
      const d = Math.hypot(c[0] - lc[0], c[1] - lc[1]);
      if (insidePolygon(c, l.polygon) || d <= 0.6 * meanSide(l.polygon)) pairs.push({ r: ri, l: li, d });
    });
  });
  pairs.sort((a, b) => a.d - b.d);
  const usedR = new Set<number>();
  const usedL = new Map<number, number>();
  for (const p of pairs) {
    if (usedR.has(p.r) || usedL.has(p.l)) continue;
    usedR.add(p.r);
    usedL.set(p.l, p.r);
  }
  const matchedAny = new Set(pairs.map((p) => p.r));
  let offLabel = 0;
  let duplicates = 0;
  rs.forEach((_, ri) => {
    if (usedR.has(ri)) return;
    if (matchedAny.has(ri)) duplicates++;
    else offLabel++;
  });
  let wrong = 0;
  let known = 0;
  for (const [li, ri] of usedL) {
    const payload = labels[li]!.payload;
    if (payload === null) continue;
    known++;
    if (rs[ri]!.text !== payload) wrong++;
  }
  return { labelled: labels.length, found: usedL.size, offLabel, duplicates, wrongPayloads: wrong, knownPayloadsFound: known };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
