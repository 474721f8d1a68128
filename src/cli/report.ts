/**
 * The one place diagnostics are printed. Colour only on a terminal and never with NO_COLOR set
 * (https://no-color.org).
 */
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';

export function useColour(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
}

const colours = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m' } as const;

/** Characters gathered before one write: a write per line or piece was most of the printing time. */
const BLOCK = 65536;

/** Gathers text and writes it in blocks of about `BLOCK` characters, so memory stays bounded. */
class BlockWriter {
  private pending = '';
  constructor(private readonly stream: NodeJS.WritableStream) {}

  /** 'full' when a block went out and the stream asks the writer to wait for 'drain'. */
  add(text: string): 'ok' | 'full' {
    this.pending += text;
    return this.pending.length >= BLOCK ? this.flush() : 'ok';
  }

  flush(): 'ok' | 'full' {
    if (this.pending === '') return 'ok';
    const accepted = this.stream.write(this.pending);
    this.pending = '';
    return accepted ? 'ok' : 'full';
  }
}

export function printDiagnostics(list: readonly Diagnostic[], stream: NodeJS.WriteStream = process.stderr): void {
  const colour = useColour(stream);
  const out = new BlockWriter(stream);
  for (const d of sortDiagnostics(list)) {
    const line = formatDiagnostic(d);
    out.add(colour ? `${colours[d.severity]}${line}\x1b[0m\n` : line + '\n');
  }
  out.flush();
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/**
 * Stable JSON: keys in insertion order, two-space indent, trailing newline. Written in pieces (each
 * top-level member, each element of a top-level array) so a 4,000-service model is never one 25 MB
 * string; the bytes are exactly `JSON.stringify(value, null, 2)`. Resolves once the stream has taken
 * the last piece.
 */
export async function printJson(value: unknown, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  const out = new BlockWriter(stream);
  for (const piece of jsonChunks(value)) {
    if (out.add(piece) === 'full' && !(await drained(stream))) return;
  }
  out.add('\n');
  out.flush();
}

/**
 * Waits until a stream that refused more data has taken it. Node writes to a pipe asynchronously: a
 * writer that ignores the refusal queues the whole output in memory (25 MB of JSON at x20, twice the
 * model). False when the stream ends or fails instead (a reader that quit): stop writing.
 */
function drained(stream: NodeJS.WritableStream): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (ok: boolean) => () => {
      stream.off('drain', onDrain);
      stream.off('error', onEnd);
      stream.off('close', onEnd);
      resolve(ok);
    };
    const onDrain = settle(true);
    const onEnd = settle(false);
    stream.once('drain', onDrain);
    stream.once('error', onEnd);
    stream.once('close', onEnd);
  });
}

/** Pretty JSON at a given indentation: raw newlines never occur inside JSON strings, so this is exact. */
function indented(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, '\n' + indent);
}

export function* jsonChunks(value: unknown, indent = '', depth = 0): Generator<string> {
  const isPlain = value !== null && typeof value === 'object' && !('toJSON' in (value as object));
  if (depth >= 2 || !isPlain) {
    yield indented(value, indent);
    return;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return void (yield '[]');
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      // JSON.stringify writes null for array holes and for values it cannot represent.
      const v = value[i] === undefined || typeof value[i] === 'function' ? null : value[i];
      yield inner;
      yield* jsonChunks(v, inner, depth + 1);
      yield i + 1 < value.length ? ',\n' : '\n';
    }
    yield indent + ']';
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) return void (yield '{}');
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    yield `${inner}${JSON.stringify(k)}: `;
    yield* jsonChunks(v, inner, depth + 1);
    yield i + 1 < entries.length ? ',\n' : '\n';
  }
  yield indent + '}';
}
