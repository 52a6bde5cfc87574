// SIMULATION. Baton's demo provider pair: two plain local HTTP servers that imitate real APIs,
// so a newcomer can watch a handover without an account or a key. Nothing here is a model.
//
// - "demo-primary" speaks OpenAI Chat Completions and drops its connection (a TCP reset) halfway
//   through every answer, the way real providers do under load.
// - "demo-backup" speaks Anthropic Messages. It continues the same scripted answer from the exact
//   partial Baton hands it (a prefill, or a continuation instruction).
//
// Answers are scripted from the question, so both servers agree on the full text.
import http from 'node:http';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The scripted answer to a conversation. Both servers compute the same text. */
export function scriptedAnswer(messages, system = '') {
  const question = [...messages].reverse().find((m) => m.role === 'user' && !/cut off|Continue it/i.test(textOf(m.content)));
  const asked = textOf(question?.content ?? '').trim();
  if (/You edit code/i.test(system)) return scriptedEdit(asked);
  const topic = asked.split('\n')[0].slice(0, 120) || 'your question';
  return [
    `> **Simulation.** This answer comes from Baton's demo provider, not a real model.\n\n`,
    `You asked: *${topic.replace(/[*_`]/g, '')}*\n\n`,
    'Here is what just happened, step by step:\n\n',
    '1. Baton sent your question to **demo-primary** (an OpenAI-style server).\n',
    '2. demo-primary streamed about half of this answer and then **reset its connection**, ',
    'the way real providers fail with "ECONNRESET" or "Premature close".\n',
    '3. Baton noticed at once, kept every character you had already seen, and handed the partial ',
    'answer to **demo-backup** (an Anthropic-style server) as a prefill.\n',
    '4. demo-backup continued from the exact character where the primary stopped. ',
    'Nothing was lost and nothing was repeated.\n\n',
    'Look at the status bar: it now says **backup: demo-backup** in warning colours, and its tooltip ',
    'tells you which model failed, why, and at which character. The chat shows a small marker at the seam.\n\n',
    '```ts\n// The same idea in code: the answer is one stream, whoever writes it.\n',
    'for await (const event of router.stream(request, signal)) {\n',
    "  if (event.type === 'text') show(event.text);\n",
    "  if (event.type === 'fallback') markSeam(event.from, event.to, event.at);\n",
    '}\n```\n\n',
    'Try it again with another question, or open `demo.ts` and run **Baton: Edit Selection**.\n',
  ].join('');
}

/** For inline edits: the selection with a small, visible change, as a replacement-only answer. */
function scriptedEdit(prompt) {
  const code = /<region>\n([\s\S]*?)\n<\/region>/.exec(prompt)?.[1] ?? '';
  const instruction = (/Instruction:\s*(.+)/i.exec(prompt)?.[1] ?? 'edit').trim();
  const indent = /^\s*/.exec(code)?.[0] ?? '';
  return `${indent}// Demo edit (simulation): ${instruction}\n${code}`;
}

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return {};
  }
}

/** Streams `text` in small pieces at a readable pace; `frame` encodes one piece. */
async function streamText(res, text, frame, { stopAt = Infinity } = {}) {
  const pieces = text.match(/[\s\S]{1,6}/gu) ?? [];
  let sent = 0;
  for (const piece of pieces) {
    if (res.destroyed) return false;
    if (sent + piece.length > stopAt) return false;
    res.write(frame(piece));
    sent += piece.length;
    await sleep(18);
  }
  return true;
}

function primary(req, res, body) {
  const messages = body.messages ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const full = scriptedAnswer(messages.filter((m) => m.role !== 'system'), system);
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'demo', object: 'chat.completion.chunk', model: 'demo-primary', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: 'assistant', content: '' }));
  const half = Math.floor(full.length * 0.45);
  return streamText(res, full, (piece) => chunk({ content: piece }), { stopAt: half }).then(() => {
    // The failure this demo is about: the connection dies mid-answer.
    res.socket?.resetAndDestroy();
  });
}

async function backup(req, res, body) {
  const messages = body.messages ?? [];
  const last = messages[messages.length - 1];
  let partial = '';
  let conversation = messages;
  if (last?.role === 'assistant') {
    partial = textOf(last.content);
    conversation = messages.slice(0, -1);
  } else if (messages[messages.length - 2]?.role === 'assistant') {
    partial = textOf(messages[messages.length - 2].content);
    conversation = messages.slice(0, -2);
  }
  const full = scriptedAnswer(conversation, typeof body.system === 'string' ? body.system : '');
  const rest = full.startsWith(partial) ? full.slice(partial.length) : full;
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(event('message_start', { message: { id: 'demo', type: 'message', role: 'assistant', model: 'demo-backup', content: [], usage: { input_tokens: 42, output_tokens: 1 } } }));
  res.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  await streamText(res, rest, (piece) => event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
  res.write(event('content_block_stop', { index: 0 }));
  res.write(event('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: Math.ceil(rest.length / 4) } }));
  res.end(event('message_stop', {}));
}

/** Starts the pair on 127.0.0.1; resolves to their base URLs and a close(). */
export async function startDemoProviders(port = 0) {
  const server = http.createServer(async (req, res) => {
    const body = await readJson(req);
    try {
      if (req.url.startsWith('/primary/v1/chat/completions')) return await primary(req, res, body);
      if (req.url.startsWith('/backup/v1/messages')) return await backup(req, res, body);
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `demo provider: no route for ${req.url}` } }));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    primaryUrl: `${base}/primary/v1`,
    backupUrl: `${base}/backup/v1`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
