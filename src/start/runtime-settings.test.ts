import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_ENV, SERVER_NODE_OPTIONS } from './runtime-settings';

const scripts = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the server process settings (runtime-settings.ts) are what package.json starts it with', () => {
  for (const script of ['start', 'start:prod']) {
    it(`npm run ${script}`, () => {
      const command = scripts[script]!;
      // An operator's own value wins: `${NAME:-default}`.
      for (const [name, value] of Object.entries(SERVER_ENV)) expect(command).toContain(`${name}=\${${name}:-${value}}`);
      for (const option of SERVER_NODE_OPTIONS) expect(command).toMatch(new RegExp(`(^|\\s)(node|tsx) [^&|;]*${option.replace(/[-=]/g, '\\$&')}`));
    });
  }
});
