/**
 * The one place diagnostics are printed. Colour only on a terminal and never with NO_COLOR set
 * (https://no-color.org).
 */
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';

export function useColour(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
}

const colours = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m' } as const;

export function printDiagnostics(list: readonly Diagnostic[], stream: NodeJS.WriteStream = process.stderr): void {
  const colour = useColour(stream);
  for (const d of sortDiagnostics(list)) {
    const line = formatDiagnostic(d);
    stream.write(colour ? `${colours[d.severity]}${line}\x1b[0m\n` : line + '\n');
  }
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Stable JSON: keys in insertion order, two-space indent, trailing newline. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
