import { CATALOGUE, type CatalogueEntry } from './catalogue';

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** docs/errors.md, rendered from the catalogue so the two cannot drift apart. */
export function renderErrorsDoc(): string {
  const entries = (Object.entries(CATALOGUE) as Array<[string, CatalogueEntry]>).sort(([a], [b]) => a.localeCompare(b));
  const rows = entries.map(([code, e]) => `| \`${code}\` | ${e.status} | ${esc(e.message)} | ${esc(e.hint)} |`);
  const notes = entries.flatMap(([code, e]) => (e.note ? [`- \`${code}\`: ${e.note}`] : []));
  return [
    '# Error codes',
    '',
    'Every error the API returns has this shape, with a stable `code` that scripts can match on:',
    '',
    '```json',
    '{ "error": { "code": "SITE_NOT_FOUND", "message": "No such site.", "hint": "Reload the site list; …", "correlationId": "…", "details": {} } }',
    '```',
    '',
    'The `correlationId` is also sent as the `x-correlation-id` response header and appears in the server log.',
    'Messages may be more specific than the defaults below; codes and statuses do not change.',
    '',
    'Generated from `src/errors/catalogue.ts` by `npm run docs:errors` (a test checks it is up to date).',
    '',
    '| Code | HTTP | Message | What to do |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ...(notes.length > 0 ? ['## Codes that look alike', '', ...notes, ''] : []),
  ].join('\n');
}
