import type { ChatSummary } from '../../src/core/protocol/chat';
import { h, icon, iconButton } from './dom';

export interface HistoryActions {
  open(chatId: string): void;
  remove(chatId: string): void;
  close(): void;
}

function when(at: number): string {
  const date = new Date(at);
  const today = new Date();
  return date.toDateString() === today.toDateString()
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: date.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}

/** Past chats of this workspace, newest first: open one, or delete it. Arrow keys move between rows. */
export class HistoryView {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'history-list', 'aria-label': 'Past chats' });

  constructor(actions: HistoryActions) {
    const back = iconButton('arrow-left', 'Back to Chat', { class: 'icon-button history-back' });
    back.addEventListener('click', () => actions.close());
    this.element = h('section', { class: 'history', 'aria-label': 'Chat history', hidden: true },
      h('div', { class: 'history-header' }, back, h('h2', {}, 'Chats')), this.list);
    this.list.addEventListener('click', (event) => {
      const button = (event.target as Element).closest('button[data-chat]');
      const id = button?.getAttribute('data-chat');
      if (!button || !id) return;
      if (button.classList.contains('history-delete')) actions.remove(id);
      else actions.open(id);
    });
    this.list.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      const rows = [...this.list.querySelectorAll<HTMLButtonElement>('.history-open')];
      const at = rows.indexOf(document.activeElement as HTMLButtonElement);
      const next = rows[Math.max(0, Math.min(rows.length - 1, at + (event.key === 'ArrowDown' ? 1 : -1)))];
      next?.focus();
      event.preventDefault();
    });
  }

  get visible(): boolean {
    return !this.element.hidden;
  }

  show(chats: ChatSummary[], currentId: string | undefined): void {
    const hadFocus = this.element.contains(document.activeElement);
    this.list.replaceChildren(...chats.map((chat) => h('li', { class: `history-row${chat.id === currentId ? ' current' : ''}` },
      h('button', { type: 'button', class: 'history-open', 'data-chat': chat.id, 'aria-current': chat.id === currentId ? 'true' : undefined },
        icon('comment-discussion'),
        h('span', { class: 'history-title' }, chat.title),
        h('span', { class: 'history-meta' }, `${when(chat.updatedAt)} · ${chat.questions} question${chat.questions === 1 ? '' : 's'}`)),
      iconButton('trash', `Delete “${chat.title}”`, { class: 'icon-button history-delete', 'data-chat': chat.id }))));
    if (!chats.length) this.list.append(h('li', { class: 'history-empty' }, 'No past chats in this workspace yet.'));
    this.element.hidden = false;
    if (!hadFocus) this.list.querySelector<HTMLButtonElement>('.history-open')?.focus();
    else if (!this.element.contains(document.activeElement)) this.list.querySelector<HTMLButtonElement>('.history-open')?.focus();
  }

  hide(): void {
    this.element.hidden = true;
  }
}
