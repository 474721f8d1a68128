/**
 * Which program arguments of a start-stop-daemon call an admin sets in `/etc/default/NAME`. Debian scripts
 * source that file and pass `$DAEMON_ARGS` (or `$FOO_OPTS`) after `--`, so editing the file changes the
 * daemon's command line at the next start. The words are kept as the script spells them, with what they
 * and the file read, so the upgraded longrun can do the same expansion at each start (`LiveArgs`).
 *
 * Only exact cases are kept: plain `$V`/`${V}` and `${V:-...}`-style expansions (no command substitution),
 * a file variable the script does not reassign afterwards, and script values known statically. Anything
 * else leaves today's values frozen into the argv, as before.
 */
import type { LiveArgs } from '../../src/model/service.js';
import type { WordPart } from './shell-words.js';
import type { ShellEnv, ShellVar } from './shell-vars.js';
import type { ArgWord } from './start-stop-daemon.js';

/** How the script sourced its defaults file. */
export interface DefaultsSourcing {
  /** Path on the converted system (`/etc/default/NAME`). */
  file: string;
  /** Path read on disk (under `--root`). */
  disk: string;
  /** The script's variables just before the file was sourced. */
  before: ReadonlyMap<string, ShellVar>;
  /** Names the file assigns. */
  assigned: ReadonlySet<string>;
  /** Names the file's text reads (over-inclusive: quoted text and all). */
  reads: readonly string[];
}

// Expansions with no side effect: `${V:=x}` assigns and `${V:?x}` exits, which a start-time copy must not repeat.
const PURE_OPS = new Set<string | undefined>([undefined, '-', ':-', '+', ':+']);
const NAME_REF = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;

/** Names a text reads with `$NAME` / `${NAME...}`, comments left out. */
export function namesRead(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.replace(/(^|\s)#.*$/gm, '$1').matchAll(NAME_REF)) names.add(m[1]!);
  return [...names];
}

/** The names a word reads, or undefined when expanding it again could run something or assign. */
function pureReads(parts: readonly WordPart[]): string[] | undefined {
  const names: string[] = [];
  for (const p of parts) {
    if (p.kind === 'opaque') return undefined;
    if (p.kind !== 'param') continue;
    if (!PURE_OPS.has(p.op)) return undefined;
    if (p.arg !== undefined && /\$\(|`/.test(p.arg)) return undefined;
    names.push(p.name, ...(p.arg !== undefined ? namesRead(p.arg) : []));
  }
  return names;
}

export function liveArgsFor(words: readonly ArgWord[], src: DefaultsSourcing, env: ShellEnv): LiveArgs | undefined {
  const fromFile = (name: string) => env.vars.get(name)?.origin.file === src.disk;
  const reads = new Set(src.reads);
  const out: LiveArgs['words'] = [];
  for (const w of words) {
    const names = pureReads(w.token.parts);
    const live = (names ?? namesReadLoosely(w.token.parts)).some(fromFile);
    if (live && names === undefined) return undefined;
    if (live) for (const n of names!) reads.add(n);
    out.push({ raw: w.token.raw, fields: w.fields, live });
  }
  if (!out.some((w) => w.live)) return undefined;

  const presets: [string, string | null][] = [];
  for (const name of [...reads].sort()) {
    const preset = presetFor(name, src, env, fromFile(name));
    if (preset === undefined) return undefined;
    presets.push([name, preset.value]);
  }
  return { file: src.file, words: out, presets };
}

/** Every name a word mentions, for telling whether it reads a file variable at all. */
function namesReadLoosely(parts: readonly WordPart[]): string[] {
  return parts.flatMap((p) => (p.kind === 'param' ? [p.name, ...namesRead(p.arg ?? '')] : p.kind === 'opaque' ? namesRead(p.raw) : []));
}

/**
 * The value a name must have before the file is sourced at start time: the script's value at that point.
 * A name the file does not set must also keep that value until the daemon starts, or the start-time
 * expansion would differ from the script's.
 */
function presetFor(name: string, src: DefaultsSourcing, env: ShellEnv, setByFile: boolean): { value: string | null } | undefined {
  const before = src.before.get(name);
  if (before?.unresolved) return undefined;
  if (!setByFile) {
    if (src.assigned.has(name)) return undefined; // the file sets it, then the script changes it again
    const after = env.vars.get(name);
    if (after?.unresolved || after?.value !== before?.value) return undefined;
  }
  if (before) return { value: before.value };
  // Never assigned before the file: unset, unless it comes from outside the script (PATH, run-time names).
  return env.lookup(name)?.unresolved && !setByFile ? undefined : { value: null };
}
