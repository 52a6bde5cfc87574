/**
 * A few runtime checks that double as types: each schema takes an unknown value and returns it
 * typed, or throws a {@link ProtocolError} naming the path that did not fit. Objects come back
 * with only their declared keys, so nothing unexpected rides along.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export type Schema<T> = (value: unknown, path: string) => T;

const fail = (path: string, expected: string, value: unknown): never => {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new ProtocolError(`${path}: expected ${expected}, got ${got}`);
};

/** A string of at most `max` characters (1 MiB of text by default). */
export function string(max = 1 << 20): Schema<string> {
  return (value, path) => {
    if (typeof value !== 'string') return fail(path, 'a string', value);
    if (value.length > max) throw new ProtocolError(`${path}: longer than ${max} characters`);
    return value;
  };
}

export const number: Schema<number> = (value, path) =>
  typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'a finite number', value);

export const integer: Schema<number> = (value, path) =>
  Number.isSafeInteger(value) ? (value as number) : fail(path, 'an integer', value);

export const boolean: Schema<boolean> = (value, path) =>
  typeof value === 'boolean' ? value : fail(path, 'a boolean', value);

export function literal<const T extends readonly string[]>(...values: T): Schema<T[number]> {
  return (value, path) =>
    typeof value === 'string' && values.includes(value) ? value : fail(path, `one of ${values.join(', ')}`, value);
}

export function array<T>(item: Schema<T>, max = 10_000): Schema<T[]> {
  return (value, path) => {
    if (!Array.isArray(value)) return fail(path, 'an array', value);
    if (value.length > max) throw new ProtocolError(`${path}: more than ${max} items`);
    return value.map((entry, i) => item(entry, `${path}[${i}]`));
  };
}

/** Marks an object key as optional: absent or undefined is fine, and it stays absent. */
export interface Optional<T> {
  optional: Schema<T>;
}

export function optional<T>(schema: Schema<T>): Optional<T> {
  return { optional: schema };
}

type Shape = Record<string, Schema<unknown> | Optional<unknown>>;
type Required<S extends Shape> = { [K in keyof S as S[K] extends Schema<unknown> ? K : never]: S[K] extends Schema<infer T> ? T : never };
type Maybe<S extends Shape> = { [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: S[K] extends Optional<infer T> ? T : never };
type Flatten<T> = { [K in keyof T]: T[K] };
export type ObjectOf<S extends Shape> = Flatten<Required<S> & Maybe<S>>;

export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const entries = Object.entries(shape);
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(path, 'an object', value);
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of entries) {
      const at = `${path}.${key}`;
      if (typeof field === 'function') out[key] = field(source[key], at);
      else if (source[key] !== undefined) out[key] = field.optional(source[key], at);
    }
    return out as ObjectOf<S>;
  };
}

/**
 * A union told apart by its `type` field. The map must name a schema for every member, so a new
 * message type that nobody validates is a compile error.
 */
export function tagged<U extends { type: string }>(schemas: { [K in U['type']]: Schema<Extract<U, { type: K }>> }): Schema<U> {
  return (value, path) => {
    const type = (value as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, type)) {
      throw new ProtocolError(`${path}.type: unknown message type ${JSON.stringify(type)?.slice(0, 40) ?? 'undefined'}`);
    }
    return schemas[type as U['type']](value, path);
  };
}

/** Two shapes told apart by one discriminating field, e.g. `role`. */
export function either<A, B>(field: string, cases: Record<string, Schema<A> | Schema<B>>): Schema<A | B> {
  return (value, path) => {
    const tag = (value as Record<string, unknown> | null)?.[field];
    const schema = typeof tag === 'string' && Object.prototype.hasOwnProperty.call(cases, tag) ? cases[tag] : undefined;
    return schema ? schema(value, path) : fail(`${path}.${field}`, Object.keys(cases).join(' or '), tag);
  };
}
