// `npm run demo`: the real editor with Baton in it, wired to a simulated provider pair whose
// primary drops every answer halfway. Builds and packages Baton, starts code-server on 127.0.0.1,
// opens a demo workspace, and prints the URL. Ctrl+C stops everything it started.
//
//   npm run demo [-- --port 8080] [-- --no-build]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEditor } from '../../test/e2e/lib/editor.mjs';
import { startDemoProviders } from './providers.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] || process.env.BATON_DEMO_PORT || 8080);

function packageBaton() {
  if (args.includes('--no-build') && fs.existsSync(path.join(root, 'dist/baton.vsix'))) return path.join(root, 'dist/baton.vsix');
  console.log('Building and packaging Baton…');
  const result = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('npm run package failed');
  return path.join(root, 'dist/baton.vsix');
}

export async function startDemo({ port: bindPort = port, vsix } = {}) {
  const providers = await startDemoProviders();
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-demo-workspace-'));
  fs.cpSync(path.join(here, 'workspace'), workspace, { recursive: true });
  let editor;
  try {
    editor = await startEditor({
      name: 'demo',
      port: bindPort,
      workspace,
      installVsix: vsix ?? packageBaton(),
      userSettings: {
        'baton.models': [
          { id: 'demo-primary', provider: 'openai', model: 'simulated-gpt', baseUrl: providers.primaryUrl, label: 'demo-primary' },
          { id: 'demo-backup', provider: 'anthropic', model: 'simulated-claude', baseUrl: providers.backupUrl, label: 'demo-backup' },
        ],
        'baton.fallbacks': { 'demo-primary': ['demo-backup'] },
        'baton.defaultModel': 'demo-primary',
        'workbench.colorTheme': 'Default Dark Modern',
      },
    });
  } catch (error) {
    await providers.close();
    throw error;
  }
  return {
    editor, providers, workspace,
    async stop() {
      await editor.stop();
      await providers.close();
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}

async function main() {
  const demo = await startDemo();
  const url = demo.editor.workbenchUrl();
  console.log(`
  Baton demo is running.

    Open:  ${url}

  Two SIMULATED providers are wired in (plain local servers, not models):
    demo-primary  ${demo.providers.primaryUrl}  drops its connection halfway through every answer
    demo-backup   ${demo.providers.backupUrl}  continues the answer from the exact character

  Try: click the Baton icon in the activity bar and ask anything. Watch the answer keep going
  when the primary dies, the seam marker in the chat, and the status bar turn to "backup".
  Then open demo.ts, select a function and run "Baton: Edit Selection" (Ctrl+K Ctrl+E).

  Ctrl+C stops the editor and the demo providers.
`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the demo…');
    await demo.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
