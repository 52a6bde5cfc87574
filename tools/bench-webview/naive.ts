// The benchmark's baseline: the same markdown, highlighting and sanitizing as Baton's webview, but
// rendered the naive way, re-parsing the whole answer and replacing the whole DOM. `?mode=delta`
// re-renders on every delta (what froze Cline on long replies); `?mode=frame` batches deltas per
// animation frame but still re-renders everything each frame.
import { decorateCodeBlocks } from '../../media/chat/codeBlocks';
import { renderMarkdown } from '../../media/chat/markdown';
import { sanitize } from '../../media/chat/sanitize';

const mode = new URLSearchParams(location.search).get('mode') === 'frame' ? 'frame' : 'delta';
const answer = document.createElement('article');
answer.className = 'turn answer';
answer.dataset.status = 'streaming';
const markdown = document.createElement('div');
markdown.className = 'markdown';
answer.append(markdown);
const input = document.createElement('textarea');
input.className = 'input';
const scroller = document.createElement('div');
scroller.className = 'scroller';
scroller.append(answer);
const main = document.createElement('main');
main.className = 'chat';
main.append(scroller, input);
document.getElementById('root')?.append(main);

let text = '';
let frame = 0;

function render(): void {
  const fragment = sanitize(renderMarkdown(text));
  decorateCodeBlocks(fragment);
  markdown.replaceChildren(fragment);
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as { type: string; text?: string; turn?: { text: string } };
  if (message.type === 'text' && message.text) {
    text += message.text;
    if (mode === 'delta') render();
    else frame ||= requestAnimationFrame(() => { frame = 0; render(); });
  } else if (message.type === 'end' && message.turn) {
    text = message.turn.text;
    render();
    answer.dataset.status = 'done';
  }
});
