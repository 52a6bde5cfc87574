import '@vscode/codicons/dist/codicon.css';
import './chat.css';
import type { Chat } from '../../src/core/protocol/chat';
import { describeSeam } from '../../src/core/protocol/describe';
import type { ComposerState, HostMessage } from '../../src/core/protocol/messages';
import { isTextDelta, parseHostMessage } from '../../src/core/protocol/validate';
import { Announcer } from './announcer';
import { codeOfButton } from './codeBlocks';
import { Composer } from './composer';
import { h, icon } from './dom';
import { HistoryView } from './historyView';
import { isWebLink } from './sanitize';
import { Transcript } from './transcript';
import { loadState, post, saveState } from './vscodeApi';
import { warmUp } from './warmUp';

/**
 * The chat webview. The host owns the conversation; this is a view of it that can be rebuilt from
 * a snapshot at any time (the webview is discarded when hidden). Every message from the host is
 * validated before it is used.
 */
class ChatApp {
  private composerState: ComposerState = { models: [], modelId: '', attachments: [] };
  private readonly transcript = new Transcript(() => this.welcome());
  private readonly composer: Composer;
  private readonly history: HistoryView;
  private readonly announcer = new Announcer();
  private readonly notice = h('div', { class: 'notice', role: 'status', hidden: true });
  /** Scrolls the transcript; the anchor at its end keeps a growing answer in view (CSS scroll anchoring). */
  private readonly scroller = h('div', { class: 'scroller' }, this.transcript.element, h('div', { class: 'scroll-anchor' }));
  private chat?: Chat;
  private noticeTimer = 0;

  constructor(root: HTMLElement) {
    const state = loadState();
    this.composer = new Composer({
      send: (text) => post({ type: 'send', text }),
      stop: () => this.stop(),
      selectModel: (modelId) => post({ type: 'selectModel', modelId }),
      attachActiveFile: () => post({ type: 'attachActiveFile' }),
      removeAttachment: (index) => post({ type: 'removeAttachment', index }),
      draftChanged: (draft) => saveState({ draft }),
    }, state.draft);
    this.history = new HistoryView({
      open: (chatId) => post({ type: 'openChat', chatId }),
      remove: (chatId) => post({ type: 'deleteChat', chatId }),
      close: () => this.closeHistory(),
    });
    this.composer.element.prepend(this.notice);
    root.replaceChildren(h('main', { class: 'chat' }, this.scroller, this.history.element, this.composer.element), this.announcer.element);
    this.transcript.element.addEventListener('click', (event) => this.onTranscriptClick(event));
    this.transcript.element.addEventListener('auxclick', (event) => this.onTranscriptClick(event));
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      if (this.history.visible) this.closeHistory();
      else if (this.transcript.streaming()) this.stop();
      else return;
      event.preventDefault();
    });
    window.addEventListener('message', (event) => this.receive(event.data));
    post({ type: 'ready' });
    warmUp(() => !!this.transcript.streaming());
  }

  private receive(data: unknown): void {
    if (isTextDelta(data)) {
      this.transcript.answer(data.turnId)?.appendText(data.text);
      return;
    }
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      console.warn(`Baton chat: dropped a malformed message: ${parsed.error}`);
      post({ type: 'log', level: 'warn', message: `dropped a malformed message: ${parsed.error}` });
      return;
    }
    try {
      this.handle(parsed.message);
    } catch (error) {
      post({ type: 'log', level: 'error', message: `chat webview failed on ${parsed.message.type}: ${(error as Error)?.stack ?? error}` });
    }
  }

  private handle(message: HostMessage): void {
    switch (message.type) {
      case 'snapshot':
        this.chat = message.chat;
        this.composerState = message.composer;
        this.composer.update(message.composer);
        this.transcript.show(message.chat);
        this.composer.setBusy(message.busy);
        this.scrollToEnd();
        return;
      case 'turn':
        this.transcript.add(message.turn);
        this.scrollToEnd();
        if (message.turn.role === 'assistant') {
          this.composer.setBusy(message.turn.status === 'streaming');
          this.announcer.announce(`Asking ${message.turn.model}…`);
        }
        return;
      case 'text':
        this.transcript.answer(message.turnId)?.appendText(message.text);
        return;
      case 'progress':
        this.transcript.answer(message.turnId)?.setProgress(message.model, message.note);
        return;
      case 'seam':
        this.transcript.answer(message.turnId)?.addSeam(message.seam);
        this.announcer.announce(describeSeam(message.seam));
        return;
      case 'end': {
        const view = this.transcript.answer(message.turn.id);
        view?.end(message.turn);
        this.composer.setBusy(false);
        if (view) this.announcer.announce(view.summary(), message.turn.status === 'failed');
        if (message.turn.error) this.announcer.announce(`${message.turn.error.headline} ${message.turn.error.steps.map((s) => `${s.model}: ${s.what}`).join('. ')}`, true);
        return;
      }
      case 'composer':
        this.composerState = message.composer;
        this.composer.update(message.composer);
        this.transcript.refreshWelcome();
        return;
      case 'history':
        this.setInert(true);
        this.history.show(message.chats, this.chat?.id);
        return;
      case 'focus':
        this.closeHistory();
        this.composer.focus();
        return;
      case 'notice':
        this.showNotice(message.text, message.level);
        return;
    }
  }

  /** Once at the end, scroll anchoring keeps the view there while the answer grows. */
  private scrollToEnd(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private stop(): void {
    this.transcript.streaming()?.stop();
    this.composer.setBusy(false);
    post({ type: 'stop' });
  }

  /** While the history covers the chat, the chat behind it is out of reach of Tab and screen readers. */
  private setInert(inert: boolean): void {
    this.scroller.inert = inert;
    this.composer.element.inert = inert;
  }

  private closeHistory(): void {
    if (!this.history.visible) return;
    this.history.hide();
    this.setInert(false);
    this.composer.focus();
  }

  private onTranscriptClick(event: MouseEvent): void {
    const target = event.target as Element;
    const link = target.closest('a');
    if (link) {
      // Links never navigate the webview; VS Code's own link handler must not see them either.
      event.preventDefault();
      event.stopPropagation();
      const href = link.getAttribute('href') ?? '';
      if (isWebLink(href)) post({ type: 'openLink', href });
      else this.showNotice('Baton opens only http and https links.', 'error');
      return;
    }
    const button = target.closest('button[data-action]');
    if (!button) return;
    const action = button.getAttribute('data-action');
    switch (action) {
      case 'copy':
      case 'insert':
      case 'apply': {
        const code = codeOfButton(button);
        if (code !== undefined) post({ type: 'codeAction', action, code });
        return;
      }
      case 'copyAnswer': {
        const id = button.closest('[data-turn-id]')?.getAttribute('data-turn-id');
        const answer = id ? this.transcript.answer(id) : undefined;
        if (answer) post({ type: 'codeAction', action: 'copy', code: answer.text });
        return;
      }
      case 'regenerate':
      case 'retry':
        post({ type: 'regenerate' });
        return;
      case 'openSettings':
        post({ type: 'openSettings' });
        return;
      case 'setApiKey':
        post({ type: 'setApiKey' });
        return;
      case 'manageModels':
        post({ type: 'manageModels' });
        return;
    }
  }

  private showNotice(text: string, level: 'info' | 'error'): void {
    this.notice.replaceChildren(icon(level === 'error' ? 'warning' : 'check'), h('span', {}, text));
    this.notice.dataset.level = level;
    this.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => { this.notice.hidden = true; }, 2500);
    this.announcer.announce(text, level === 'error');
  }

  private welcome(): HTMLElement {
    const configured = this.composerState.models.length > 0;
    return h('section', { class: 'welcome', 'aria-label': 'Welcome' },
      h('div', { class: 'welcome-icon' }, icon('comment-discussion')),
      h('h2', {}, 'Ask Baton'),
      h('p', {}, 'Answers keep going when a provider fails: a backup model continues the same answer, and a marker shows where.'),
      configured
        ? h('ul', { class: 'welcome-tips' },
          h('li', {}, icon('selection'), h('span', {}, 'Select code and run “Baton: Ask About Selection”.')),
          h('li', {}, icon('attach'), h('span', {}, 'Attach the active file with the button below.')),
          h('li', {}, icon('history'), h('span', {}, 'Past chats of this workspace are under History.')))
        : h('div', { class: 'welcome-setup' },
          h('p', {}, 'No models are configured yet. Add one, with its key and fallbacks, in Manage Models; Baton checks it before saving.'),
          h('div', { class: 'welcome-actions' },
            h('button', { type: 'button', class: 'text-button primary', 'data-action': 'manageModels' }, icon('add'), h('span', {}, 'Manage Models')),
            h('button', { type: 'button', class: 'text-button', 'data-action': 'openSettings' }, icon('gear'), h('span', {}, 'Open Settings')))));
  }
}

new ChatApp(document.getElementById('root') ?? document.body);
