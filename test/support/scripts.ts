import type { ServerResponse } from 'node:http';
import type { Script } from './faultServer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StreamOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Write the body in pieces of this many bytes: splits lines, frames and UTF-8 sequences. */
  chunkBytes?: number;
  /** Write the body in pieces cut at these byte offsets (`chunkBytes` is then ignored). */
  cuts?: number[];
  /** Pause between pieces, so that they arrive as separate reads. */
  delayMs?: number;
  /** After the body: end cleanly, reset the connection, close it mid-chunk, or hold it open. */
  then?: 'end' | 'reset' | 'cut' | 'stall';
  /** While stalled, send this keep-alive frame every `ms`. */
  keepAlive?: { frame: string; ms: number };
}

/** Streams `body` (already in the protocol's wire format) with the given splitting and ending. */
export function stream(body: string | string[], options: StreamOptions = {}): Script {
  return async (_req, res) => {
    const bytes = Buffer.from(Array.isArray(body) ? body.join('') : body, 'utf8');
    res.writeHead(options.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...options.headers });
    res.flushHeaders();
    for (const piece of pieces(bytes, options)) {
      if (res.destroyed) return;
      res.write(piece);
      if (options.delayMs !== undefined) await sleep(options.delayMs);
    }
    await finish(res, options);
  };
}

function pieces(bytes: Buffer, options: StreamOptions): Buffer[] {
  const out: Buffer[] = [];
  if (options.cuts) {
    let start = 0;
    for (const cut of [...options.cuts].sort((a, b) => a - b)) {
      if (cut > start && cut < bytes.length) out.push(bytes.subarray(start, cut));
      start = Math.max(start, cut);
    }
    out.push(bytes.subarray(start));
    return out;
  }
  const size = options.chunkBytes ?? bytes.length;
  for (let offset = 0; offset < bytes.length; offset += size) out.push(bytes.subarray(offset, offset + size));
  return out;
}

/**
 * Byte offsets where a network read could split a stream most awkwardly: inside a multi-byte UTF-8
 * character, between `\r` and `\n`, between the two newlines that end a frame, and inside `data:`.
 */
export function awkwardCuts(body: string): number[] {
  const bytes = Buffer.from(body, 'utf8');
  const cuts = new Set<number>();
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i];
    if ((b & 0xc0) === 0x80 && (bytes[i - 1] & 0xc0) !== 0x80) cuts.add(i);
    if (bytes[i - 1] === 0x0d && b === 0x0a) cuts.add(i);
    if (bytes[i - 1] === 0x0a && b === 0x0a) cuts.add(i);
    if (bytes[i - 1] === 0x64 && bytes[i] === 0x61 && bytes[i + 1] === 0x74) cuts.add(i + 2);
  }
  return [...cuts];
}

async function finish(res: ServerResponse, options: StreamOptions): Promise<void> {
  switch (options.then ?? 'end') {
    case 'end':
      res.end();
      return;
    case 'reset':
      await sleep(5);
      res.socket?.resetAndDestroy();
      return;
    case 'cut':
      await sleep(5);
      res.socket?.destroy();
      return;
    case 'stall':
      while (!res.destroyed) {
        await sleep(options.keepAlive?.ms ?? 50);
        if (options.keepAlive && !res.destroyed) res.write(options.keepAlive.frame);
      }
  }
}

/** An HTTP error with a realistic body and headers. */
export function httpError(status: number, body: string | object, headers: Record<string, string> = {}): Script {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = /^\s*</.test(text) ? 'text/html' : 'application/json';
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type, ...headers }).end(text);
  };
}

/** Resets the connection before any response header. */
export function resetBeforeHeaders(): Script {
  return (_req, res) => {
    res.socket?.resetAndDestroy();
  };
}

/** Accepts the request and never answers. */
export function silence(): Script {
  return () => new Promise<void>(() => undefined);
}
