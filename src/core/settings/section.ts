/**
 * Picks Baton's keys out of a settings.json object. Accepts VS Code's flat form
 * (`"baton.models": [...]`) and a nested `"baton": { "models": [...] }`; other keys are ignored,
 * since the file is usually the editor's whole user settings.
 */
export function batonSection(settings: unknown): Record<string, unknown> {
  const section: Record<string, unknown> = {};
  if (typeof settings !== 'object' || settings === null) return section;
  const nested = (settings as Record<string, unknown>).baton;
  if (typeof nested === 'object' && nested !== null && !Array.isArray(nested)) Object.assign(section, nested);
  for (const [key, value] of Object.entries(settings)) {
    if (key.startsWith('baton.')) section[key.slice('baton.'.length)] = value;
  }
  return section;
}
