/**
 * Writes docs/errors.md from the error catalogue (src/errors/catalogue.ts).
 * `npm run docs:errors`; src/errors/catalogue.test.ts fails when the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/errors/render-doc';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
process.stdout.write('docs/errors.md written\n');
