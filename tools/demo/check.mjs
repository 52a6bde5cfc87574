// Opens a running demo (`npm run demo`) in headless Chromium, as a person would, and checks that
// Baton is in it: its status bar item names the demo's primary model. Exit code 0 when it is.
//
//   node tools/demo/check.mjs <the URL the demo printed>
import { launchBrowser } from '../../test/e2e/lib/editor.mjs';
import { openWorkbench, statusBarItemId, waitForStatusBarItem } from '../../test/e2e/lib/workbench.mjs';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tools/demo/check.mjs <demo URL>');
  process.exit(2);
}
const started = Date.now();
const browser = await launchBrowser();
try {
  await openWorkbench(browser.page, url);
  await waitForStatusBarItem(browser.page, statusBarItemId('baton.status'), { text: 'demo-primary' });
  console.log(`[demo-check] Baton is active in the demo editor: status bar shows "demo-primary" ${((Date.now() - started) / 1000).toFixed(1)} s after opening ${url}`);
} catch (error) {
  console.error(`[demo-check] Baton did not show up in ${url}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.stop();
}
