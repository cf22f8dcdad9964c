/** Which site and which devices of a code `sitekeeper add` works on (pure; tested directly). */
import { serialMatches } from '../../protocol/qr';
import { CliError } from '../cli-error';
import type { Candidate, Site } from '../api/onboarding';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--site` given as an id needs no lookup. */
export function isSiteId(site: string): boolean {
  return UUID_RE.test(site);
}

/** A site id, or a name that matches exactly one site (exact, case-insensitive, wins over partial). */
export function pickSite(wanted: string, sites: Site[]): Site {
  const exact = sites.filter((s) => s.name.toLowerCase() === wanted.toLowerCase());
  const pool = exact.length > 0 ? exact : sites;
  if (pool.length === 1) return pool[0]!;
  if (pool.length === 0) throw new CliError('SITE_NOT_FOUND', `No site named "${wanted}".`, 'Check the name (sitekeeper add matches it case-insensitively) or pass the site id.');
  const list = pool.slice(0, 10).map((s) => `"${s.name}" (${s.id})`).join(', ');
  throw new CliError('VALIDATION_FAILED', `"${wanted}" matches ${pool.length} sites: ${list}${pool.length > 10 ? ', …' : ''}.`, 'Give the full site name or its id.');
}

type Selectable = Pick<Candidate, 'name' | 'serial' | 'nextAction'>;

/** Which candidates to add: `--all`, `--select serial,…` (full or label serial, or name), else every one with something to do. */
export function selectCandidates<C extends Selectable>(cands: C[], opts: { all?: boolean; select?: string }): C[] {
  if (opts.all) return cands;
  if (opts.select !== undefined) {
    const wanted = opts.select.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    const hit = (c: C, w: string) => (c.serial !== null && serialMatches(c.serial, w)) || c.name.toUpperCase() === w;
    const chosen = cands.filter((c) => wanted.some((w) => hit(c, w)));
    const missing = wanted.filter((w) => !chosen.some((c) => hit(c, w)));
    if (missing.length > 0) throw new CliError('CANDIDATE_NOT_FOUND', `Not in this code: ${missing.join(', ')}.`, `The code names: ${cands.map((c) => c.serial ?? c.name).join(', ')}.`);
    return chosen;
  }
  return cands.filter((c) => c.nextAction !== 'none');
}
