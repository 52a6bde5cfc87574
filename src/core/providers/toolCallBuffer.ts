import type { ToolCall } from '../chat';
import { BatonError } from '../errors';
import { newToolCallId } from '../toolIds';

/** A call whose arguments are still arriving. */
interface OpenCall {
  id?: string;
  name?: string;
  /** Argument JSON pieces, joined once when the call completes. */
  pieces: string[];
  /** Arguments the protocol sent whole at the start (Anthropic's `input`), used when no pieces follow. */
  initial?: unknown;
  /** Where a scan of the pieces so far stands, so that a closed object is noticed in linear time. */
  scan: JsonScan;
}

/** Nesting depth outside strings; `closed` once the top-level value's last bracket arrived. */
interface JsonScan {
  depth: number;
  inString: boolean;
  escaped: boolean;
  closed: boolean;
}

/**
 * One stream's tool calls in flight. Streaming protocols send a call's id and name first and its
 * arguments as JSON text in pieces, keyed by an index or an item id. The pieces are kept here,
 * never shown, until the protocol says the call is complete; only then are they parsed, and only
 * a JSON object becomes a {@link ToolCall}. A call that never completes is simply dropped.
 */
export class ToolCallBuffer {
  private readonly open = new Map<string | number, OpenCall>();

  constructor(private readonly provider: string) {}

  /** A call begins, or more of its header (id, name) arrives. */
  start(key: string | number, id: unknown, name: unknown, initial?: unknown): void {
    let call = this.open.get(key);
    if (!call) this.open.set(key, (call = { pieces: [], scan: { depth: 0, inString: false, escaped: false, closed: false } }));
    // The first id wins: some servers (LM Studio, Kimi) repeat a fresh id on every piece of one call.
    if (typeof id === 'string' && id && !call.id) call.id = id;
    if (typeof name === 'string' && name && !call.name) call.name = name;
    if (initial !== undefined) call.initial = initial;
  }

  /** A piece of a call's argument JSON. Returns whether anything was buffered. */
  append(key: string | number, piece: unknown): boolean {
    if (typeof piece !== 'string' || piece === '') return false;
    let call = this.open.get(key);
    if (!call) this.open.set(key, (call = { pieces: [], scan: { depth: 0, inString: false, escaped: false, closed: false } }));
    call.pieces.push(piece);
    scan(call.scan, piece);
    return true;
  }

  has(key: string | number): boolean {
    return this.open.has(key);
  }

  idOf(key: string | number): string | undefined {
    return this.open.get(key)?.id;
  }

  /** How many calls are open. */
  get size(): number {
    return this.open.size;
  }

  keys(): (string | number)[] {
    return [...this.open.keys()];
  }

  /**
   * Whether the arguments so far are a whole JSON object (for protocols with no per-call end
   * signal). The pieces are scanned once as they arrive; the text is parsed only when its
   * brackets have closed, so a long argument full of `}` in strings costs one pass.
   */
  looksComplete(key: string | number): boolean {
    const call = this.open.get(key);
    if (!call?.scan.closed) return false;
    const text = call.pieces.join('');
    call.pieces = [text];
    return asObject(text) !== undefined;
  }

  /** The protocol says the call is complete: the call, or an error when it is not a valid call. */
  end(key: string | number, finalArguments?: unknown): ToolCall | BatonError | undefined {
    const call = this.open.get(key);
    if (!call) return undefined;
    this.open.delete(key);
    const text = typeof finalArguments === 'string' ? finalArguments : call.pieces.join('');
    return this.complete(call.id, call.name, text.trim() === '' ? (call.initial ?? {}) : text);
  }

  /** Drops every call still open (the answer was cut by its token limit); returns their names. */
  discardAll(): string[] {
    const names = [...this.open.values()].map((call) => call.name ?? '(unnamed)');
    this.open.clear();
    return names;
  }

  /** A call that arrived whole (Gemini, Ollama): arguments as an object, or as JSON text. */
  whole(id: unknown, name: unknown, args: unknown): ToolCall | BatonError {
    return this.complete(typeof id === 'string' && id ? id : undefined, typeof name === 'string' ? name : undefined, args ?? {});
  }

  private complete(id: string | undefined, name: string | undefined, args: unknown): ToolCall | BatonError {
    const parsed = typeof args === 'string' ? asObject(args) : isObject(args) ? args : undefined;
    if (!name) {
      return new BatonError('protocol', `${this.provider} sent a tool call without a name`, { provider: this.provider });
    }
    if (!parsed) {
      const text = typeof args === 'string' ? args : JSON.stringify(args);
      const sample = text.length > 80 ? `${text.slice(0, 80)}…` : text;
      return new BatonError('protocol', `${this.provider} sent a call to "${name}" whose arguments are not a JSON object: ${sample}`, { provider: this.provider });
    }
    return { id: id ?? newToolCallId(), name, arguments: parsed };
  }
}

function scan(state: JsonScan, piece: string): void {
  for (let i = 0; i < piece.length && !state.closed; i++) {
    const c = piece.charCodeAt(i);
    if (state.inString) {
      if (state.escaped) state.escaped = false;
      else if (c === 0x5c /* backslash */) state.escaped = true;
      else if (c === 0x22 /* " */) state.inString = false;
    } else if (c === 0x22) {
      state.inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      state.depth++;
    } else if ((c === 0x7d /* } */ || c === 0x5d /* ] */) && --state.depth === 0) {
      state.closed = true;
    }
  }
}

function asObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
