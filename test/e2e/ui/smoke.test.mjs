import assert from 'node:assert/strict';
import { useEditor } from '../lib/fixture.mjs';
import {
  readStatusBar, runCommand, screenshot, statusBarItemId, visibleOutputChannel, waitForOutputChannel,
  waitForStatusBarItem,
} from '../lib/workbench.mjs';

const STATUS = statusBarItemId('baton.status');

describe('smoke: the installed extension in a real editor', function () {
  const fixture = useEditor();

  it('shows the Baton status bar item once activated', async function () {
    const { page } = fixture;
    await waitForStatusBarItem(page, STATUS, { text: 'Baton' });
    const status = await readStatusBar(page, STATUS);
    assert.equal(status.text, 'Baton');
    assert.deepEqual(status.icons, ['pulse']);
    assert.equal(status.kind, 'standard');
  });

  it('"Baton: Show Log" shows the Baton output channel', async function () {
    const { page } = fixture;
    await runCommand(page, 'Baton: Show Log');
    await waitForOutputChannel(page, 'Baton');
    await screenshot(page, 'smoke-show-log');
    assert.equal(await visibleOutputChannel(page), 'Baton');
    assert.notEqual(fixture.editor.readOutputLog('Baton'), undefined, 'the Baton log channel has no log file');
  });
});
