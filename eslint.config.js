// Type-aware lint: async device I/O everywhere, so floating promises are errors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

/**
 * The layers of docs/ARCHITECTURE.md, enforced: each zone names a folder and what it may not import
 * (tests in the folder included; tests that need more live in test/). A violation fails CI.
 */
const ours = ['protocol', 'errors', 'qr-image', 'mqtt', 'device-client', 'emulator', 'agent', 'server', 'web', 'cli', 'start'];
const only = (target, allowed, message) => ({
  target: `./src/${target}`,
  from: ours.filter((f) => f !== target && !allowed.includes(f)).map((f) => `./src/${f}`),
  message,
});
const layers = [
  only('errors', [], 'errors is the bottom layer: it imports nothing of ours.'),
  only('protocol', ['errors'], 'protocol is pure codecs: it imports nothing of ours but errors.'),
  only('qr-image', ['protocol', 'errors'], 'qr-image decodes and renders images of codes: protocol and errors only.'),
  only('mqtt', ['errors'], 'mqtt holds client helpers every party shares: nothing of ours.'),
  only('device-client', ['protocol', 'errors', 'mqtt'], 'the device client never imports the server, the emulator or the agent.'),
  only('emulator', ['protocol', 'errors', 'mqtt'], 'the emulator is a device: it never imports the server or the device client.'),
  only('agent', ['device-client', 'protocol', 'errors', 'mqtt'], 'the site agent never imports the server or the emulator.'),
  only('server', ['agent', 'device-client', 'protocol', 'errors', 'mqtt', 'qr-image'], 'the platform never imports the emulator, the CLI, the process entry points or the web app.'),
  only('web', ['protocol', 'errors', 'qr-image'], 'the web app talks HTTP: it never imports the server or other Node-side code.'),
  // The browser decode worker shares the zxing core with the server (one file, no Node imports); the rest of qr-image is Node's.
  { target: './src/web', from: './src/qr-image', except: ['./decoder-core.ts'], message: 'the web app may share only the zxing core (decoder-core.ts) of qr-image.' },
  // The CLI talks HTTP to the server like the web app; it shares the API types generated from the OpenAPI, nothing else of the web app.
  { target: './src/cli', from: './src/web', except: ['./api/generated.ts'], message: 'the CLI may use only the generated API types of the web app.' },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'data/', 'bin/', 'src/web/dist/', 'scratch/', 'bench/out/', '.ci/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Gives false positives with TypeScript 6 (it calls assertions tsc needs "unnecessary").
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layers }] },
  },
  {
    // Services get repositories through the unit of work (docs/ARCHITECTURE.md): no SQL, driver or broker of their own.
    files: ['src/server/**/*.service.ts', 'src/server/onboarding/device-job.ts', 'src/server/onboarding/device-steps.ts', 'src/server/onboarding/batch-progress.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'kysely', message: 'SQL lives in repositories; services use uow.tx / uow.read.' },
          { name: 'pg', message: 'Services never talk to the database driver.' },
          { name: 'mqtt', message: 'Services never talk to the broker; use the gateway or the agent hub.' },
        ],
      }],
    },
  },
  {
    // Tests read JSON answers of many shapes; typing each one would say nothing a failing assertion does not.
    files: ['test/**/*.ts', '**/*.test.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
