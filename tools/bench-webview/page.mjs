// One benchmark scenario in a fresh Chromium page: the real webview bundle (dist/media/chat.js with
// its CSS) behind an acquireVsCodeApi shim, or the naive baseline, or a page that only receives
// messages (to measure the feeder itself). Deltas are posted one message each, at a fixed rate, as
// the extension host would deliver them; metrics come from the Chrome DevTools Protocol
// (Performance.getMetrics), a long-task observer and keystroke timings taken in the page.
import fs from 'node:fs';
import path from 'node:path';

const ORIGIN = 'http://bench.baton';

const SHIM = `
window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); }).observe({ type: 'longtask' });
window.__keys = [];
document.addEventListener('keydown', (e) => {
  const handled = performance.now();
  requestAnimationFrame(() => window.__keys.push({ delay: handled - e.timeStamp, toFrame: performance.now() - e.timeStamp }));
}, true);
// Posts the deltas that are due, one message each; or, with coalesceMs, joined into one message per
// interval, as Baton's extension host sends them.
window.__feed = (deltas, rate, turnId, coalesceMs) => new Promise((resolve) => {
  const start = performance.now();
  let i = 0;
  const tick = () => {
    const due = Math.min(deltas.length, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    if (coalesceMs) {
      if (due > i) window.postMessage({ type: 'text', turnId, text: deltas.slice(i, due).join('') }, '*');
      i = due;
    }
    while (i < due) window.postMessage({ type: 'text', turnId, text: deltas[i++] }, '*');
    if (i < deltas.length) setTimeout(tick, coalesceMs || 1); else resolve(performance.now() - start);
  };
  tick();
});
`;

const THEME = `body { --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
  --vscode-editor-font-size: 13px; --vscode-foreground: #ccc; background: #1f1f1f; color: #ccc; }`;

function pageHtml(app) {
  const script = app === 'baton' ? '/chat.js' : app === 'naive' ? '/naive.js' : '';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/chat.css"><style>${THEME}</style></head>
<body class="vscode-dark"><div id="root"></div><script>${SHIM}</script>${script ? `<script src="${script}"></script>` : ''}</body></html>`;
}

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };

/**
 * @param {import('playwright-core').Browser} browser
 * @param {{ app: 'baton' | 'naive' | 'noop', mode?: string, media: string, naiveJs: string,
 *           text: string, deltas?: string[], rate: number, coalesceMs?: number, typeEveryMs?: number }} options
 *   With `deltas`, streams them; without, renders `text` once.
 */
export async function runScenario(browser, options) {
  const context = await browser.newContext({ viewport: { width: 420, height: 900 } });
  const page = await context.newPage();
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: pageHtml(options.app) });
    const file = url.pathname === '/naive.js' ? options.naiveJs : path.join(options.media, path.basename(url.pathname));
    if (!fs.existsSync(file)) return route.fulfill({ status: 404, body: 'missing' });
    return route.fulfill({ contentType: TYPES[path.extname(file)] ?? 'application/octet-stream', body: fs.readFileSync(file) });
  });
  try {
    await page.goto(`${ORIGIN}/index.html?mode=${options.mode ?? ''}`);
    if (options.app === 'baton') await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
    await page.evaluate(setup, { app: options.app });
    // Hand the deltas over before measuring: copying 25,000 strings into the page is the bench's
    // own cost (a long task of its own), not the webview's.
    if (options.deltas) await page.evaluate((deltas) => { window.__deltas = deltas; }, options.deltas);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // Let the webview finish its idle-time warm-up (first-use JIT, grammar compiles), so that every
    // scenario is measured warm, as a panel that has been open a moment is.
    await page.waitForTimeout(2_000);
    await settle(page);
    await page.evaluate(() => { window.__longTasks.length = 0; window.__keys.length = 0; });
    const before = await metrics(cdp);
    const started = Date.now();
    let typed = 0;
    if (options.deltas) {
      await page.focus('textarea');
      const feeding = page.evaluate(([rate, coalesce]) => window.__feed(window.__deltas, rate, 'a1', coalesce), [options.rate, options.coalesceMs ?? 0]);
      let fed = false;
      feeding.then(() => { fed = true; });
      while (!fed) {
        await page.keyboard.press('KeyA');
        typed++;
        await new Promise((resolve) => setTimeout(resolve, options.typeEveryMs ?? 100));
      }
    }
    await page.evaluate(finish, { app: options.app, text: options.text, once: !options.deltas });
    await page.waitForFunction(() => document.querySelector('.turn.answer')?.getAttribute('data-status') === 'done', undefined, { timeout: 600_000, polling: 50 });
    await settle(page);
    const wallMs = Date.now() - started;
    const after = await metrics(cdp);
    const page_ = await page.evaluate(() => ({
      longTasks: window.__longTasks, keys: window.__keys, inputValue: document.querySelector('textarea')?.value.length ?? 0,
      rendered: document.querySelector('.turn.answer .markdown')?.textContent?.length ?? 0,
    }));
    const delta = (name) => (after[name] - before[name]) * 1000;
    return {
      wallMs, scriptMs: delta('ScriptDuration'), taskMs: delta('TaskDuration'), layoutMs: delta('LayoutDuration'), styleMs: delta('RecalcStyleDuration'),
      longTasks: page_.longTasks, keyLatencies: page_.keys.map((k) => k.toFrame), typed, landed: page_.inputValue, renderedChars: page_.rendered,
    };
  } finally {
    await context.close();
  }
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** Two animation frames: whatever was queued has rendered and painted. */
function settle(page) {
  return page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** In the page: an empty chat, then the question and an answer that starts streaming. */
function setup({ app }) {
  if (app === 'noop') {
    const answer = Object.assign(document.createElement('article'), { className: 'turn answer' });
    answer.dataset.status = 'streaming';
    document.getElementById('root').append(answer, document.createElement('textarea'));
    window.addEventListener('message', (e) => { if (e.data.type === 'end') answer.dataset.status = 'done'; });
    return;
  }
  if (app !== 'baton') return;
  const composer = { models: [{ id: 'm', label: 'gpt-4.1', detail: 'openai · gpt-4.1' }], modelId: 'm', attachments: [] };
  const chat = { id: 'c1', title: 'Bench', turns: [], createdAt: 0, updatedAt: 0 };
  window.postMessage({ type: 'snapshot', chat, composer, busy: false }, '*');
  window.postMessage({ type: 'turn', turn: { role: 'user', id: 'u1', text: 'Write the long answer.', attachments: [], at: 0 } }, '*');
  window.postMessage({ type: 'turn', turn: answerTurn('', 'streaming') }, '*');

  function answerTurn(text, status) {
    return { role: 'assistant', id: 'a1', text, status, model: 'gpt-4.1', requested: 'gpt-4.1', seams: [], notes: [], at: 0 };
  }
  window.__answerTurn = answerTurn;
}

/** In the page: the answer ends (streamed), or arrives complete in one snapshot (rendered once). */
function finish({ app, text, once }) {
  const turn = { role: 'assistant', id: 'a1', text, status: 'done', model: 'gpt-4.1', requested: 'gpt-4.1', seams: [], notes: [], at: 0, finishReason: 'stop' };
  if (once && app === 'baton') {
    const composer = { models: [{ id: 'm', label: 'gpt-4.1', detail: 'openai · gpt-4.1' }], modelId: 'm', attachments: [] };
    const chat = { id: 'c2', title: 'Bench', turns: [{ role: 'user', id: 'u1', text: 'Write the long answer.', attachments: [], at: 0 }, turn], createdAt: 0, updatedAt: 0 };
    window.postMessage({ type: 'snapshot', chat, composer, busy: false }, '*');
  } else {
    window.postMessage({ type: 'end', turn }, '*');
  }
}
