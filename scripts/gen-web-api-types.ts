/**
 * Writes src/web/api/generated.ts from the server's OpenAPI document (scripts/web-api-types.ts).
 * `npm run gen:api`; src/web/api/generated.test.ts fails when the file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { GENERATED_PATH, generateWebApiTypes } from './web-api-types';

writeFileSync(GENERATED_PATH, await generateWebApiTypes());
process.stdout.write('src/web/api/generated.ts written\n');
