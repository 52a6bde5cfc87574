// `npx vscode-test` (@vscode/test-cli): runs the in-editor suite in a VS Code desktop build that
// @vscode/test-electron downloads, for contributors with internet access. It runs the same
// compiled files as `npm run test:host` (which uses code-server and needs no download), through
// test-cli's own mocha runner rather than test/suite/index.ts. Build first:
//   npm run build && npx tsc -p . && npx vscode-test
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'host',
  files: 'out/test/suite/**/*.test.js',
  version: 'stable',
  mocha: { ui: 'bdd', timeout: 20000, color: true },
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  // Baton publishes its test hooks only under test AND with this set (src/vscode/testHooks.ts).
  env: { BATON_TEST_HOOKS: '1' },
});
