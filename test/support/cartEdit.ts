// The edit both inline-edit suites ask for: a small cart file whose loop in total() becomes a
// reduce, and the chatty reply a model sends for it (a preamble, a fence, a note after it).

export const ORIGINAL = [
  '// Cart helpers',
  'export function total(items) {',
  '  let sum = 0;',
  '  for (const item of items) {',
  '    sum += item.price;',
  '  }',
  '  return sum;',
  '}',
  '',
  'export function count(items) {',
  '  return items.length;',
  '}',
  '',
].join('\n');

/** total() as it stands: lines 1–7 of ORIGINAL. */
export const OLD_TOTAL = ORIGINAL.split('\n').slice(1, 8).join('\n');

export const NEW_TOTAL = [
  'export function total(items) {',
  '  return items.reduce((sum, item) => sum + item.price, 0);',
  '}',
].join('\n');

/** The file after the edit is accepted. */
export const EXPECTED = ORIGINAL.replace(OLD_TOTAL, NEW_TOTAL);

/** What a chatty model sends back. Baton must keep only the code. */
export const REPLY = `Here is the updated function:\n\n\`\`\`javascript\n${NEW_TOTAL}\n\`\`\`\n\nThis uses reduce instead of a loop.`;
