import type { ComposerState } from '../../src/core/protocol/messages';
import { h, icon, iconButton } from './dom';
import { attachmentLabel } from './transcript';

const PLACEHOLDER = 'Ask Baton…';

export interface ComposerActions {
  send(text: string): void;
  stop(): void;
  selectModel(id: string): void;
  attachActiveFile(): void;
  removeAttachment(index: number): void;
  draftChanged(text: string): void;
}

/**
 * The input area: attachments waiting to be sent, the text box (Enter sends, Shift+Enter adds a
 * line), the active-file button, the model picker, and Send, which turns into Stop while an
 * answer streams.
 */
export class Composer {
  readonly element: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly chips = h('div', { class: 'chips composer-chips', 'aria-label': 'Attached to your next question' });
  private readonly attachFile = h('button', { type: 'button', class: 'attach-file', 'data-testid': 'attach-file' });
  private readonly picker = h('select', { class: 'model-picker', 'aria-label': 'Model for this chat', title: 'Model for this chat' });
  private readonly send = iconButton('send', 'Send (Enter)', { class: 'icon-button send' });
  private readonly stopButton = iconButton('debug-stop', 'Stop (Escape)', { class: 'icon-button stop' });
  private state: ComposerState = { models: [], modelId: '', attachments: [] };
  private busy = false;

  constructor(private readonly actions: ComposerActions, draft: string) {
    this.input = h('textarea', {
      class: 'input', rows: 1, 'aria-label': 'Ask Baton. Enter sends, Shift+Enter adds a line, Escape stops an answer.',
      title: 'Enter sends · Shift+Enter adds a line · Escape stops', placeholder: PLACEHOLDER,
    });
    this.input.value = draft;
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.paintSend();
      actions.draftChanged(this.input.value);
    });
    this.send.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => actions.stop());
    this.picker.addEventListener('change', () => actions.selectModel(this.picker.value));
    this.attachFile.addEventListener('click', () => actions.attachActiveFile());
    this.chips.addEventListener('click', (event) => {
      const index = (event.target as Element).closest('button[data-index]')?.getAttribute('data-index');
      if (index !== null && index !== undefined) actions.removeAttachment(Number(index));
    });
    this.element = h('div', { class: 'composer' },
      this.chips,
      h('div', { class: 'input-box' }, this.input),
      h('div', { class: 'composer-bar' }, this.attachFile, this.picker, h('span', { class: 'spacer' }), this.send, this.stopButton));
    this.update(this.state);
    this.setBusy(false);
  }

  focus(): void {
    this.input.focus();
  }

  setBusy(busy: boolean): void {
    this.busy = busy;
    this.send.hidden = busy;
    this.stopButton.hidden = !busy;
    this.paintSend();
  }

  update(state: ComposerState): void {
    this.state = state;
    this.chips.replaceChildren(...state.attachments.map((a, index) =>
      h('span', { class: 'chip' }, icon(a.kind === 'file' ? 'file-code' : 'selection'), h('span', {}, attachmentLabel(a)),
        iconButton('close', `Remove ${attachmentLabel(a)}`, { class: 'icon-button chip-remove', 'data-index': index }))));
    this.chips.hidden = state.attachments.length === 0;
    const file = state.activeFile;
    const attached = !!file && state.attachments.some((a) => a.kind === 'file' && a.path === file);
    this.attachFile.hidden = !file || attached;
    if (file) {
      const name = file.split('/').pop() ?? file;
      this.attachFile.replaceChildren(icon('attach'), h('span', {}, name));
      this.attachFile.title = `Attach the active file (${file})`;
      this.attachFile.setAttribute('aria-label', `Attach the active file, ${file}`);
    }
    this.picker.replaceChildren(...state.models.map((m) =>
      h('option', { value: m.id, title: m.detail, selected: m.id === state.modelId }, m.label)));
    this.picker.value = state.modelId;
    this.picker.disabled = state.models.length === 0;
    this.picker.hidden = state.models.length === 0;
    this.input.placeholder = state.attachments.length
      ? `Ask about ${attachmentLabel(state.attachments[state.attachments.length - 1])}…`
      : PLACEHOLDER;
    this.paintSend();
  }

  private submit(): void {
    if (this.busy || !this.canSend()) return;
    const text = this.input.value;
    this.input.value = '';
    this.paintSend();
    this.actions.draftChanged('');
    this.actions.send(text);
  }

  private canSend(): boolean {
    return this.state.models.length > 0 && (this.input.value.trim() !== '' || this.state.attachments.length > 0);
  }

  private paintSend(): void {
    this.send.disabled = !this.canSend();
  }
}
