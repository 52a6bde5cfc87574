// The chat webview's script (dist/media/chat.js, as packaged) in Chromium without an editor: the
// test plays the extension host, posting host messages and reading what the webview posts back.
// Fast, so it covers the renderer's corners: seams inside lists, headings, tables and code, a
// restarted answer, the end message correcting a stream that lost a delta, Stop, history by keyboard.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { launchBrowser, REPO_ROOT } from '../lib/editor.mjs';
import { corpus } from '../../../tools/bench-webview/corpus.mjs';

/** The webview's own markdown renderer, compiled for Node by `tsc -p .`, as the reference. */
const { renderMarkdown } = createRequire(import.meta.url)(path.join(REPO_ROOT, 'out/media/chat/markdown.js'));

const MEDIA = path.join(REPO_ROOT, 'dist/media');
const ORIGIN = 'http://webview.test';
const SHIM = `window.__posted = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });`;
const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/chat.css"></head>
<body class="vscode-dark"><div id="root"></div><script>${SHIM}</script><script src="/chat.js"></script></body></html>`;

const composer = { models: [{ id: 'm', label: 'gpt-4.1', detail: 'openai · gpt-4.1' }, { id: 'b', label: 'claude', detail: 'anthropic' }], modelId: 'm', attachments: [] };
const question = { role: 'user', id: 'u1', text: 'Question', attachments: [], at: 0 };
const answer = (text, status, extra = {}) => ({ role: 'assistant', id: 'a1', text, status, model: 'gpt-4.1', requested: 'gpt-4.1', seams: [], notes: [], at: 0, ...extra });
const seam = (offset, form = 'prefill') => ({ offset, from: 'gpt-4.1', to: 'claude', reason: 'connection reset', detail: 'openai: connection reset', at: offset, form });

describe('chat webview: the renderer in Chromium, with the test as the host', function () {
  let browser;
  let page;
  const post = (message) => page.evaluate((m) => window.postMessage(m, '*'), message);
  const posted = () => page.evaluate(() => window.__posted);
  const frame = () => new Promise((resolve) => setTimeout(resolve, 80));
  /** Streams `text` in deltas of `size`, then the end message with `final` (default: the same text). */
  async function streamAnswer(text, { size = 7, seams = [], final = text } = {}) {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    for (let i = 0, sent = 0; i < text.length; i += size) {
      for (const s of seams) if (s.offset >= i && s.offset < i + size && s.offset >= sent) {
        await post({ type: 'text', turnId: 'a1', text: text.slice(sent, s.offset) });
        sent = s.offset;
        await post({ type: 'seam', turnId: 'a1', seam: s });
      }
      const end = Math.min(text.length, i + size);
      if (end > sent) await post({ type: 'text', turnId: 'a1', text: text.slice(sent, end) });
      sent = end;
      if (i % (size * 10) === 0) await frame();
    }
    await post({ type: 'end', turn: answer(final, 'done', { seams, model: seams.length ? 'claude' : 'gpt-4.1' }) });
    await page.locator('.turn.answer[data-status="done"]').waitFor();
  }
  /**
   * The text of each block of the answer, exactly (every space, tab and newline inside a block),
   * without marker labels, code toolbars or the caret. The streaming wrappers are looked through,
   * so the live panel and one render of `html` (when given) compare block by block.
   */
  const blocks = (html) => page.locator('.turn.answer .markdown').evaluate((live, html) => {
    let root = live.cloneNode(true);
    if (html !== undefined) {
      const template = document.createElement('template');
      template.innerHTML = html;
      root = template.content;
    }
    for (const el of root.querySelectorAll('.baton-seam, .baton-seam-line, .code-header, .caret')) el.remove();
    const texts = [];
    const walk = (el) => {
      for (const child of el.children) {
        if (child.matches('.md-frozen, .md-tail, .baton-code')) walk(child);
        else texts.push(child.textContent);
      }
    };
    walk(root);
    return texts;
  }, html);
  /** The answer's text: its blocks, exactly, a blank line between them. */
  const text = async () => (await blocks()).join('\n\n');
  /** The answer's element structure, ignoring markers, toolbars and text. */
  const structure = () => page.locator('.turn.answer .markdown').evaluate((root) => {
    const walk = (el) => [...el.children].filter((c) => !c.matches('.baton-seam, .baton-seam-line, .code-header, .caret'))
      .map((c) => (c.matches('.md-frozen, .md-tail, .baton-code') ? walk(c).join('') : `<${c.tagName.toLowerCase()}>${walk(c).join('')}</>`));
    return walk(root).join('');
  });

  before(async function () {
    if (!fs.existsSync(path.join(MEDIA, 'chat.js'))) throw new Error('dist/media/chat.js is missing: run node esbuild.js');
    browser = await launchBrowser({ viewport: { width: 480, height: 900 } });
    page = browser.page;
    await page.route(`${ORIGIN}/**`, (route) => {
      const name = new URL(route.request().url()).pathname.slice(1);
      if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
      const file = path.join(MEDIA, path.basename(name));
      return fs.existsSync(file) ? route.fulfill({ body: fs.readFileSync(file), contentType: name.endsWith('.css') ? 'text/css' : undefined }) : route.fulfill({ status: 404 });
    });
  });
  after(async () => browser?.stop());
  beforeEach(async () => {
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  });

  const DOC = ['## Steps to follow', '', 'Intro paragraph with `code` and **bold** words in it.', '', '- first item of the list', '- second item of the list',
    '', '| key | value |', '| --- | --- |', '| alpha | one two |', '', '```ts', 'const answer = compute(input, options);', 'return answer;', '```', '', 'Closing words.', ''].join('\n');

  for (const [where, needle, inside] of [
    ['a heading', 'to follow', 'h2'], ['a paragraph', 'paragraph with', 'p'], ['a list item', 'item of the list\n- second', 'li'],
    ['a table cell', 'one two', 'td'], ['a code block', 'compute(input', 'code'],
  ]) {
    it(`a seam inside ${where} sits inline there and changes nothing else`, async function () {
      const offset = DOC.indexOf(needle) + 2;
      await streamAnswer(DOC);
      const plain = await structure();
      const plainText = await text();
      await streamAnswer(DOC, { seams: [seam(offset)] });
      const marker = page.locator('.turn.answer .markdown .baton-seam');
      assert.equal(await marker.count(), 1);
      assert.equal(await marker.evaluate((m, tag) => !!m.closest(tag), inside), true, `the marker is inside <${inside}>`);
      assert.equal(await structure(), plain, 'the same elements as without the seam');
      assert.equal(await text(), plainText, 'the same text as without the seam');
      assert.equal(await marker.getAttribute('aria-label'), `gpt-4.1 dropped at ${offset} chars: connection reset → continued by claude`);
      assert.equal(await page.locator('.answer-models').innerText(), 'gpt-4.1 → claude');
    });
  }

  it('a restarted answer: the partial text goes, a marker stands above the new text, which appears once', async function () {
    const partial = 'The first model started to say something and then';
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    await post({ type: 'text', turnId: 'a1', text: partial });
    await frame();
    const restart = { ...seam(0, 'restart'), at: partial.length };
    await post({ type: 'seam', turnId: 'a1', seam: restart });
    await post({ type: 'text', turnId: 'a1', text: 'A fresh answer from the backup.' });
    await post({ type: 'end', turn: answer('A fresh answer from the backup.', 'done', { seams: [restart], model: 'claude' }) });
    await page.locator('.turn.answer[data-status="done"]').waitFor();
    assert.equal(await text(), 'A fresh answer from the backup.');
    assert.equal(await page.locator('.answer-banners .baton-seam').innerText(), `gpt-4.1 dropped at ${partial.length} chars: connection reset → restarted by claude`);
    assert.equal(await page.locator('.markdown .baton-seam').count(), 0);
  });

  it('the end message is the truth: a stream that lost a delta is corrected, never shown short or twice', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    await post({ type: 'text', turnId: 'a1', text: 'One two ' });
    await post({ type: 'text', turnId: 'a1', text: 'four five.' });
    await frame();
    await post({ type: 'end', turn: answer('One two three four five.', 'done') });
    await page.locator('.turn.answer[data-status="done"]').waitFor();
    assert.equal(await text(), 'One two three four five.');
  });

  it('renders as it streams: finished blocks freeze, only the open one is redrawn, the caret follows the text', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    await post({ type: 'text', turnId: 'a1', text: 'First paragraph.\n\nSecond para' });
    await page.locator('.md-tail .caret').waitFor();
    const first = await page.locator('.md-frozen > p').elementHandle();
    assert.equal(await first.innerText(), 'First paragraph.');
    await post({ type: 'text', turnId: 'a1', text: 'graph grows.\n\nThird.' });
    await page.waitForFunction(() => document.querySelector('.md-frozen')?.children.length === 2);
    assert.equal(await first.evaluate((el) => el.isConnected), true, 'the first paragraph was not rendered again');
    assert.equal(await page.locator('.md-tail').innerText(), 'Third.');
    assert.equal(await page.locator('.md-tail p .caret').count(), 1);
  });

  it('plain words go straight in; anything markdown could read differently gets a full render', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    const tail = page.locator('.md-tail');
    const step = async (delta, expectHtml) => {
      await post({ type: 'text', turnId: 'a1', text: delta });
      await page.waitForFunction((html) => document.querySelector('.md-tail').innerHTML.replace(/<span class="caret"[^>]*><\/span>/, '').trim() === html, expectHtml, { timeout: 2_000 })
        .catch(async () => assert.fail(`after ${JSON.stringify(delta)}: ${await tail.innerHTML()}`));
    };
    await step('Visit the site', '<p>Visit the site</p>');
    const paragraph = await page.locator('.md-tail p').elementHandle();
    await step(' and read', '<p>Visit the site and read</p>');
    assert.equal(await paragraph.evaluate((p) => p.isConnected), true, 'plain words were appended, not re-rendered');
    await step(' ww', '<p>Visit the site and read ww</p>');
    await step('w.example.com now', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now</p>');
    await step(' with **bold', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with **bold</p>');
    await step('** text', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with <strong>bold</strong> text</p>');
    await step(' and more words', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with <strong>bold</strong> text and more words</p>');
    await step(' at https://exa', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with <strong>bold</strong> text and more words at <a href="https://exa">https://exa</a></p>');
    await step('mple.org or me@ex', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with <strong>bold</strong> text and more words at <a href="https://example.org">https://example.org</a> or me@ex</p>');
    await step('ample.com &amp', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with <strong>bold</strong> text and more words at <a href="https://example.org">https://example.org</a> or <a>me@example.com</a> &amp;amp</p>');
    await step('; done', '<p>Visit the site and read <a href="http://www.example.com">www.example.com</a> now with <strong>bold</strong> text and more words at <a href="https://example.org">https://example.org</a> or <a>me@example.com</a> &amp; done</p>');
  });

  it('mid-stream, whatever the deltas, the panel shows what one render of the text so far shows', async function () {
    const source = corpus(7_000, 3);
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let sent = 0;
    for (let check = 0; sent < source.length; check++) {
      for (let i = 0; i < 25 && sent < source.length; i++) {
        const size = 1 + Math.floor(random() * 12);
        await post({ type: 'text', turnId: 'a1', text: source.slice(sent, sent + size) });
        sent += size;
      }
      // Compared exactly, block by block. Two ways the prose fast path (plainAppend.ts) used to
      // differ from one render: whitespace at the end of the open block, which a render trims, and
      // a line that more text turned into a list ("small.\n2" then ". The").
      const expected = JSON.stringify(await blocks(renderMarkdown(source.slice(0, sent))));
      // The panel renders at most every ~100 ms, later on a loaded machine: wait for it to catch up
      // (up to 3 s), then compare what it shows.
      let shown = JSON.stringify(await blocks());
      for (const started = Date.now(); shown !== expected && Date.now() - started < 3_000; shown = JSON.stringify(await blocks())) {
        await page.waitForTimeout(50);
      }
      assert.equal(shown, expected, `after ${sent} chars`);
    }
  });

  it('a code block streams line by line, exactly, and takes its colours as it goes', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    const code = page.locator('.md-tail pre code');
    const expect = async (delta, text) => {
      await post({ type: 'text', turnId: 'a1', text: delta });
      await page.waitForFunction((t) => document.querySelector('.md-tail pre code')?.textContent === t, text, { timeout: 2_000 })
        .catch(async () => assert.fail(`after ${JSON.stringify(delta)}: ${JSON.stringify(await code.textContent())}`));
    };
    await expect('```ts\nconst a = 1;\n', 'const a = 1;');
    await expect('let b', 'const a = 1;\nlet b');
    await expect(' = 2;\n\n', 'const a = 1;\nlet b = 2;\n\n');
    await expect('return a + b;', 'const a = 1;\nlet b = 2;\n\nreturn a + b;');
    await page.waitForFunction(() => document.querySelectorAll('.md-tail pre code .hljs-keyword').length === 3, undefined, { timeout: 2_000 }).catch(async () => assert.fail(await code.innerHTML()));
    await post({ type: 'text', turnId: 'a1', text: '\n```\n\nAfter.' });
    await page.locator('.md-frozen pre code').waitFor();
    assert.equal(await page.locator('.md-frozen pre code').textContent(), 'const a = 1;\nlet b = 2;\n\nreturn a + b;');
  });

  it('Stop: the webview asks the host to stop, shows no more text, and Send comes back', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [question], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: answer('', 'streaming') });
    await post({ type: 'text', turnId: 'a1', text: 'Before stop.' });
    await page.locator('.composer .stop').click();
    assert.deepEqual((await posted()).at(-1), { type: 'stop' });
    await post({ type: 'text', turnId: 'a1', text: ' After stop.' });
    await frame();
    assert.equal(await text(), 'Before stop.');
    assert.equal(await page.locator('.composer .send').isVisible(), true);
    assert.equal(await page.locator('.turn.answer').getAttribute('data-status'), 'stopping');
  });

  it('Enter sends, Shift+Enter does not; the model picker and attachments talk to the host', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [], createdAt: 0, updatedAt: 0 }, busy: false,
      composer: { ...composer, activeFile: 'src/app.ts', attachments: [{ kind: 'selection', path: 'src/app.ts', language: 'typescript', text: 'x', lines: { start: 3, end: 9 } }] } });
    const input = page.locator('.composer textarea');
    await input.pressSequentially('line one');
    await input.press('Shift+Enter');
    await input.pressSequentially('line two');
    await input.press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'send', text: 'line one\nline two' });
    await page.locator('.model-picker').selectOption('b');
    assert.deepEqual((await posted()).at(-1), { type: 'selectModel', modelId: 'b' });
    assert.equal(await page.locator('.composer-chips .chip').innerText(), 'src/app.ts:3-9');
    await page.locator('.composer-chips .chip-remove').click();
    assert.deepEqual((await posted()).at(-1), { type: 'removeAttachment', index: 0 });
    await page.locator('.attach-file').click();
    assert.deepEqual((await posted()).at(-1), { type: 'attachActiveFile' });
  });

  it('the history list works by keyboard: arrows move, Enter opens, Escape goes back', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'history', chats: [{ id: 'x', title: 'Newest chat', updatedAt: Date.now(), questions: 2 }, { id: 'y', title: 'Older chat', updatedAt: 0, questions: 1 }] });
    await page.locator('.history-open').first().waitFor();
    assert.equal(await page.locator('.history-open:focus .history-title').innerText(), 'Newest chat');
    assert.equal(await page.locator('.scroller').evaluate((el) => el.inert), true, 'the chat behind is out of reach');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'openChat', chatId: 'y' });
    await page.keyboard.press('Escape');
    await page.locator('.history').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('.composer textarea').evaluate((el) => el === document.activeElement), true);
  });

  it('a malformed host message is dropped and reported to the host', async function () {
    await post({ type: 'snapshot', chat: { id: 'c', title: 't', turns: [], createdAt: 0, updatedAt: 0 }, composer, busy: false });
    await post({ type: 'turn', turn: { ...answer('', 'streaming'), status: 'hacked' } });
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'log'));
    const log = (await posted()).find((m) => m.type === 'log');
    assert.equal(log.level, 'warn');
    assert.match(log.message, /dropped a malformed message: message\.turn\.status: expected one of/);
    assert.equal(await page.locator('.turn').count(), 0);
  });
});
