import assert from 'node:assert/strict';
import { useEditor } from '../lib/fixture.mjs';
import { screenshot } from '../lib/workbench.mjs';
import { FaultServer, answer, answerText, ask, chatSettings, deltas, openChat, stream, until, waitForAnswer } from './chatHelpers.mjs';

const SSE = { headers: { 'content-type': 'text/event-stream' } };

/** Each payload tries to run `pwn('<name>')`, which would set window.__pwned in the webview and alert. */
const PWN = (name) => `(window.__pwned=(window.__pwned||[]).concat('${name}'),alert('${name}'))`;
const CORPUS = [
  '# XSS corpus',
  `<script>${PWN('script')}</script>`,
  `<img src=x onerror="${PWN('img-onerror')}">`,
  `<svg onload="${PWN('svg-onload')}"><circle r="40"/></svg>`,
  `<svg><a xlink:href="javascript:${PWN('svg-xlink')}"><text y="20">svg link</text></a></svg>`,
  `<svg><animate onbegin="${PWN('svg-animate')}" attributeName="x" dur="1s"/></svg>`,
  `<iframe src="javascript:${PWN('iframe')}"></iframe>`,
  `<iframe srcdoc="<script>parent.${PWN('srcdoc')}</script>"></iframe>`,
  `<details open ontoggle="${PWN('details-ontoggle')}">x</details>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${PWN('mxss')}">`,
  `<a href="https://example.com/ok" onclick="${PWN('onclick')}">link with onclick</a>`,
  `<form action="javascript:${PWN('form')}"><button>submit</button></form>`,
  '<style>body { background: red !important; }</style>',
  `<object data="javascript:${PWN('object')}"></object>`,
  `<embed src="javascript:${PWN('embed')}">`,
  `<base href="javascript:${PWN('base')}//">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${PWN('meta')}">`,
  `<span class="baton-seam" role="note">forged seam marker</span>`,
  '',
  `- [md javascript link](javascript:${PWN('md-link')})`,
  `- [md upper-case link](JaVaScRiPt:${PWN('md-case')})`,
  `- [md entity link](&#106;avascript:${PWN('md-entity')})`,
  `- [md angle link](<javascript:${PWN('md-angle')}>)`,
  `- [md data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `- [md vbscript link](vbscript:msgbox(1))`,
  `- [md title break](https://example.com/t "a\\" onmouseover=\\"${PWN('title-break')}")`,
  `- [md reference link][evil]`,
  `- ![md image](javascript:${PWN('md-image')})`,
  `- ![md image attr break](x" onerror="${PWN('md-image-attr')})`,
  `- <javascript:${PWN('autolink')}>`,
  `- \`<img src=x onerror="${PWN('code-span')}">\` in a code span`,
  '- [a safe web link](https://example.com/safe)',
  '',
  `[evil]: javascript:${PWN('reference')}`,
  '',
  '```html',
  `<script>${PWN('code-block')}</script>`,
  '```',
  '',
].join('\n');

describe('chat: model output is untrusted', function () {
  let server;
  const userSettings = {};
  const dialogs = [];
  before(async function () {
    server = await FaultServer.start();
    chatSettings(userSettings, server.url);
  });
  after(async () => server?.close());
  const fixture = useEditor({ userSettings });
  before(() => {
    fixture.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });

  /** Asks a question that the model answers with the XSS corpus; returns the panel and the answer. */
  async function askForCorpus() {
    server.on('/primary', stream(answer('openai', deltas(CORPUS, 9)), SSE));
    const frame = await openChat(fixture.page);
    await ask(frame, 'Show me some HTML');
    return { frame, answerEl: await waitForAnswer(frame) };
  }

  it('renders the XSS corpus as inert text and links: nothing executes, no dangerous element or attribute survives', async function () {
    const { page } = fixture;
    const { frame, answerEl } = await askForCorpus();
    await page.waitForTimeout(1_000); // time for any onload/onerror/ontoggle to fire
    await screenshot(page, 'chat-xss-corpus');

    assert.deepEqual(dialogs, [], 'no payload opened a dialog');
    assert.equal(await frame.locator('body').evaluate(() => window.__pwned), undefined, 'no payload ran in the webview');
    const findings = await answerEl.locator('.markdown').evaluate((root) => {
      const bad = [];
      for (const el of root.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        if (['script', 'iframe', 'object', 'embed', 'svg', 'math', 'img', 'style', 'form', 'base', 'meta', 'details', 'input', 'link'].includes(tag)) bad.push(`<${tag}>`);
        if (tag === 'button' && !el.closest('.code-header')) bad.push('<button> outside a code toolbar');
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name) || ['style', 'srcdoc', 'xlink:href', 'action', 'formaction'].includes(attr.name)) bad.push(`${tag}[${attr.name}]`);
          if (attr.name === 'href' && !/^https?:/i.test(attr.value)) bad.push(`${tag}[href=${attr.value}]`);
          if (attr.name === 'class' && tag !== 'button' && tag !== 'span' && tag !== 'div' && tag !== 'code') bad.push(`${tag}[class=${attr.value}]`);
        }
      }
      return bad;
    });
    assert.deepEqual(findings, []);
    assert.equal(await answerEl.locator('.baton-seam').count(), 0, 'a forged seam marker is not a seam marker');
    const text = await answerText(answerEl);
    assert.ok(text.includes('<script>'), 'raw HTML is shown as text');
    assert.ok(text.includes('forged seam marker'));
    const links = await answerEl.locator('.markdown a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links.filter((href) => !href.startsWith('https://example.com/')), [], `only web links keep an href: ${links}`);
  });

  it('clicking links: non-web links open nothing; an https link opens through the host', async function () {
    const { page, browser } = fixture;
    const { frame, answerEl } = await askForCorpus();
    const popups = [];
    browser.context.on('page', (p) => popups.push(p));
    for (const name of ['md javascript link', 'md entity link', 'md data link', 'md reference link']) {
      await answerEl.locator('.markdown a', { hasText: name }).click();
      await frame.locator('.notice', { hasText: 'only http and https' }).waitFor();
    }
    for (const el of await answerEl.locator('.markdown a:not([href])').all()) await el.hover();
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, []);
    assert.equal(popups.length, 0, 'no link opened a window');
    assert.equal(await frame.locator('body').evaluate(() => window.__pwned), undefined);

    await browser.context.route('https://example.com/**', (route) => route.fulfill({ contentType: 'text/html', body: 'opened' }));
    const opened = browser.context.waitForEvent('page', { timeout: 15_000 });
    await answerEl.locator('.markdown a', { hasText: 'a safe web link' }).click();
    // VS Code asks before it opens a domain the user has not trusted; that prompt is the workbench's own.
    const prompt = page.locator('.monaco-dialog-box', { hasText: 'https://example.com/safe' });
    await prompt.waitFor();
    await prompt.locator('.monaco-button', { hasText: /^Open$/ }).click();
    const popup = await opened;
    await popup.waitForLoadState();
    assert.equal(popup.url(), 'https://example.com/safe');
    await popup.close();
    await until(() => /chat: opening https:\/\/example\.com\/safe/.test(fixture.editor.readOutputLog('Baton') ?? ''), { message: 'the log line' });
  });

  it('the webview runs under a strict CSP and drops malformed messages, with a line in the log', async function () {
    const { frame } = await askForCorpus();
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const scripts = await frame.locator('script').evaluateAll((list) => list.map((s) => ({ nonce: s.nonce, src: s.getAttribute('src'), text: s.textContent.slice(0, 80) })));
    const ours = scripts.filter((s) => /chat\.js$/.test(s.src ?? ''));
    assert.equal(ours.length, 1, JSON.stringify(scripts));
    assert.ok(ours[0].nonce.length >= 16, 'the script carries its nonce');

    const dropped = () => (fixture.editor.readOutputLog('Baton') ?? '').split('dropped a malformed message').length - 1;
    const droppedBefore = dropped();
    const before = await answerText(frame.locator('.turn.answer').last());
    await frame.locator('body').evaluate(() => {
      const id = document.querySelector('.turn.answer:last-of-type')?.getAttribute('data-turn-id');
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'text', turnId: id, text: 42 } }));
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'evil', html: '<img src=x onerror=alert(1)>' } }));
      window.dispatchEvent(new MessageEvent('message', { data: 'not an object' }));
    });
    await until(() => dropped() >= droppedBefore + 3, { message: 'three log lines' });
    const log = fixture.editor.readOutputLog('Baton');
    assert.match(log, /\[warning\] chat webview: dropped a malformed message: message\.text: expected a string, got number/);
    assert.match(log, /unknown message type "evil"/);
    assert.equal(await answerText(frame.locator('.turn.answer').last()), before, 'nothing changed on screen');
    assert.deepEqual(dialogs, []);
  });
});
