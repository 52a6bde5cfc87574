// Packages a fixture extension from test/fixtures/<name> into a VSIX (vsce, as for Baton itself),
// so a UI test can install it into the same editor as Baton: useEditor({ installVsix: [...] }).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../lib/editor.mjs';

/** Returns the path of the VSIX, in a temporary directory the caller removes with removeFixture(). */
export function packageFixtureExtension(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `baton-${name}-`));
  const vsix = path.join(dir, `${name}.vsix`);
  const result = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: path.join(REPO_ROOT, 'test/fixtures', name), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`packaging ${name} failed:\n${result.stdout}\n${result.stderr}`);
  return vsix;
}

export function removeFixture(vsix) {
  fs.rmSync(path.dirname(vsix), { recursive: true, force: true });
}
