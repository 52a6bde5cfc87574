import * as vscode from 'vscode';

const HISTORY_KEY = 'baton.edit.recentInstructions';
const HISTORY_SIZE = 20;

interface InstructionItem extends vscode.QuickPickItem {
  instruction: string;
}

/** The instructions a person gave recently, newest first, kept across windows in global state. */
export class InstructionHistory {
  constructor(private readonly state: vscode.Memento) {}

  get recent(): string[] {
    const stored = this.state.get<unknown>(HISTORY_KEY);
    return Array.isArray(stored) ? stored.filter((s): s is string => typeof s === 'string') : [];
  }

  async remember(instruction: string): Promise<void> {
    const text = instruction.trim();
    const next = [text, ...this.recent.filter((s) => s !== text)].slice(0, HISTORY_SIZE);
    await this.state.update(HISTORY_KEY, next);
  }
}

/**
 * Asks for the instruction in a quick pick that takes free text and lists recent instructions.
 * What was typed wins, unless the list already reflects it and the person moved to a recent entry.
 * `title` says what will be edited.
 */
export function askInstruction(history: InstructionHistory, title: string): Promise<string | undefined> {
  const recent = history.recent;
  const pick = vscode.window.createQuickPick<InstructionItem>();
  pick.title = title;
  pick.placeholder = recent.length
    ? 'Describe the change, or pick a recent instruction (Enter to start, Escape to cancel)'
    : 'Describe the change, e.g. "add error handling" (Enter to start, Escape to cancel)';
  const recentItems = recent.map((instruction): InstructionItem => ({ label: instruction, instruction, description: 'recent' }));
  pick.items = recentItems;
  let itemsFor = '';
  pick.onDidChangeValue((value) => {
    itemsFor = value;
    const typed: InstructionItem[] = value.trim() ? [{ label: value, instruction: value, alwaysShow: true, description: 'new instruction' }] : [];
    pick.items = [...typed, ...recentItems.filter((item) => item.instruction !== value.trim())];
  });
  return new Promise((resolve) => {
    let result: string | undefined;
    pick.onDidAccept(() => {
      const value = pick.value.trim();
      const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
      // Until the list has caught up with the typing, what is on screen in the box is the answer.
      result = value && (itemsFor !== pick.value || !chosen) ? value : chosen?.instruction.trim() || value || undefined;
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
}
