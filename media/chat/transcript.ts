import type { Attachment, Chat, Turn, UserTurn } from '../../src/core/protocol/chat';
import { AnswerView } from './answerView';
import { h, icon } from './dom';

/** "src/app.ts:12-20" */
export function attachmentLabel(a: Attachment): string {
  const lines = a.lines ? `:${a.lines.start}${a.lines.end !== a.lines.start ? `-${a.lines.end}` : ''}` : '';
  return `${a.path}${lines}`;
}

function userTurnView(turn: UserTurn): HTMLElement {
  const chips = turn.attachments.length
    ? h('div', { class: 'chips', 'aria-label': 'Attached' }, ...turn.attachments.map((a) =>
      h('span', { class: 'chip', title: `${a.kind === 'file' ? 'File' : 'Selection'} · ${a.language}${a.truncated ? ' · truncated' : ''}` },
        icon(a.kind === 'file' ? 'file-code' : 'selection'), h('span', {}, attachmentLabel(a)))))
    : '';
  return h('article', { class: 'turn question', 'data-turn-id': turn.id, 'aria-label': 'Your question' },
    h('div', { class: 'question-text' }, turn.text), chips);
}

/** The conversation: questions and answers in order, or a welcome when there are none. */
export class Transcript {
  readonly element = h('div', { class: 'transcript' });
  private readonly answers = new Map<string, AnswerView>();
  private lastAnswer?: AnswerView;

  constructor(private readonly welcome: () => HTMLElement) {
    this.element.append(this.welcome());
  }

  show(chat: Chat): void {
    this.answers.clear();
    this.lastAnswer = undefined;
    this.element.replaceChildren();
    if (!chat.turns.length) this.element.append(this.welcome());
    for (const turn of chat.turns) this.add(turn);
  }

  /** Re-renders the welcome (its text depends on whether models are configured). */
  refreshWelcome(): void {
    const welcome = this.element.querySelector('.welcome');
    welcome?.replaceWith(this.welcome());
  }

  add(turn: Turn): void {
    this.element.querySelector('.welcome')?.remove();
    if (turn.role === 'user') {
      this.element.append(userTurnView(turn));
      return;
    }
    this.lastAnswer?.setLast(false);
    const view = new AnswerView(turn, true);
    this.answers.set(turn.id, view);
    this.lastAnswer = view;
    this.element.append(view.element);
  }

  answer(id: string): AnswerView | undefined {
    return this.answers.get(id);
  }

  /** The answer being written, if any. */
  streaming(): AnswerView | undefined {
    return this.lastAnswer?.streaming ? this.lastAnswer : undefined;
  }
}
