/**
 * Reads one definition directory the way s6-rc-compile's add_source/add_common/add_oneshot/add_longrun/
 * add_bundle do, in their order (reference §2.3 step 1), and records what resolution needs. Rejections
 * become diagnostics; reading goes on so that one run reports everything it can.
 */
import { DirView, join, listDir, readBytes, type BytePath } from './bytes.js';
import { lexExecline } from './execline-lexer.js';
import { parseNameList, parseTimeout, parseType, TIMEOUT_READ_BYTES, TYPE_READ_BYTES, type ListedName, type ServiceType } from './formats.js';
import { Findings, isReserved } from './messages.js';

export interface NameRef extends ListedName {
  file: BytePath; // where the name was listed
}

export interface Definition {
  name: string;
  dir: BytePath;
  type: ServiceType;
  /** dependencies (atomic services) or contents (bundles). */
  names: NameRef[];
  producerFor?: NameRef;
  consumerFor: NameRef[];
  /** Only set on a last consumer, the one place s6-rc-compile reads it. */
  pipelineName?: NameRef;
  /** The definition directory's entries, listed once. */
  view: DirView;
}

/** NAMEDIR `X.d` wins over NAMELIST `X`; undefined when neither exists. */
function readNames(f: Findings, svc: string, view: DirView, base: string, dirOnly = false): NameRef[] | undefined {
  const dir = view.dir;
  const dotD = join(dir, base + '.d');
  if (!dirOnly) {
    const k = view.kind(base + '.d');
    if (k !== 'missing') {
      const entries = k === 'dir' ? listDir(dotD) : undefined;
      if (!entries) {
        f.error('check-list-unreadable', dotD, `unable to opendir ${dotD}`, `${base}.d must be a directory of names`, { service: svc });
        return [];
      }
      const names = entries.filter((e) => !e.startsWith('.')).sort().map((name) => ({ name, line: 0, file: join(dotD, name) }));
      return reserved(f, svc, names);
    }
  }
  const file = join(dir, base);
  const k = view.kind(base);
  if (k === 'missing') return undefined;
  const bytes = readBytes(file, undefined, k);
  if (!bytes) {
    f.error('check-list-unreadable', file, `unable to read ${file}`, 'a name list must be a readable regular file', { service: svc });
    return [];
  }
  const parsed = parseNameList(bytes);
  for (const r of parsed.repeated) {
    f.warning('check-name-listed-twice', file, `in ${file}: name listed more than once: ${r.name}`, 'the repeated line is ignored', { line: r.line, service: svc });
  }
  return reserved(f, svc, parsed.names.map((n) => ({ ...n, file })));
}

function reserved(f: Findings, svc: string, names: NameRef[]): NameRef[] {
  for (const n of names) {
    if (isReserved(n.name)) {
      f.error('check-reserved-prefix', n.file, `in ${svc}: identifier ${n.name} starts with reserved prefix`,
        'names starting with s6rc- or s6-rc- belong to s6-rc itself and may not be listed', { line: n.line || undefined, service: svc });
    }
  }
  return names;
}

function readTimeout(f: Findings, svc: string, view: DirView, base: string): void {
  const file = join(view.dir, base);
  const k = view.kind(base);
  if (k === 'missing') return;
  const bytes = readBytes(file, TIMEOUT_READ_BYTES, k);
  if (!bytes) {
    f.error('check-unreadable-file', file, `unable to read ${file}`, 'a timeout must be a regular file', { service: svc });
  } else if (parseTimeout(bytes) === undefined) {
    f.error('check-invalid-timeout', file, `invalid ${file}`, 'a timeout is plain decimal milliseconds (0 to 4294967295) followed only by newlines', { service: svc });
  }
}

function readScript(f: Findings, svc: string, view: DirView, base: 'up' | 'down', mandatory: boolean): void {
  const file = join(view.dir, base);
  const k = view.kind(base);
  if (k === 'missing') {
    if (mandatory) f.error('check-missing-up', file, `unable to open ${file}`, 'a oneshot needs an up script', { service: svc });
    return;
  }
  const bytes = readBytes(file, undefined, k);
  if (!bytes) {
    f.error('check-script-unreadable', file, `unable to parse ${file}`, 'the script must be a readable regular file', { service: svc });
    return;
  }
  const lexed = lexExecline(bytes);
  if (!lexed.ok) {
    const upstream = lexed.error === 'syntax' ? `syntax error in ${file}` : `syntax error in ${file}: ${lexed.error}`;
    const why = lexed.error === 'syntax'
      ? 'execline lexing failed (unterminated quote, invalid \\ escape, { at end of file, or \\ at end of file inside a word)'
      : 'the execline braces { } are not balanced';
    f.error('check-script-syntax', file, upstream, `${why}; s6-rc-compile lexes up/down at compile time`, { service: svc });
  }
}

function readLongrun(f: Findings, def: Definition): void {
  const { name: svc, dir, view } = def;
  const run = join(dir, 'run');
  const k = view.kind('run');
  if (k === 'missing') f.error('check-missing-run', run, `unable to find a run script in ${run}`, 'a longrun needs a run script', { service: svc });
  else if (k !== 'file') f.error('check-run-not-regular', run, `${run} is not a regular file`, 'run must be a regular file (after following symlinks)', { service: svc });

  let role: 'none' | 'producer' | 'last-consumer' = 'none';
  const producer = readNames(f, svc, view, 'producer-for', true);
  if (producer) {
    if (producer.length !== 1) {
      const file = join(dir, 'producer-for');
      f.error('check-producer-for-count', file, `${file} should only contain one service name`, `it lists ${producer.length}; a producer feeds exactly one consumer`, { service: svc });
    } else def.producerFor = producer[0];
    role = 'producer';
  }
  const consumer = readNames(f, svc, view, 'consumer-for', true);
  if (consumer && consumer.length > 0) {
    def.consumerFor = consumer;
    if (role === 'none') role = 'last-consumer';
  }
  const pnFile = join(dir, 'pipeline-name');
  if (role === 'last-consumer') {
    const pn = readNames(f, svc, view, 'pipeline-name', true);
    if (pn) {
      if (pn.length !== 1) f.error('check-pipeline-name-count', pnFile, `${pnFile} should only contain one name`, `it lists ${pn.length}`, { service: svc });
      else def.pipelineName = pn[0];
    }
  } else if (view.kind('pipeline-name') !== 'missing') {
    f.warning('check-pipeline-name-ignored', pnFile, `${dir} contains a pipeline-name file despite not being a last consumer; this file will be ignored`,
      'only the last consumer of a pipeline (consumer-for and no producer-for) names it', { service: svc });
  }
}

/** Reads `SRC/name`; undefined when the definition has no usable type. */
export function readDefinition(f: Findings, src: BytePath, name: string): Definition | undefined {
  const dir = join(src, name);
  const typeFile = join(dir, 'type');
  // One listing answers for every entry: the type file is read through it too (no stat of its own).
  const view = new DirView(dir, false);
  const bytes = view.read('type', TYPE_READ_BYTES);
  if (!bytes) {
    f.error('check-type-missing', typeFile, `unable to read ${typeFile}`, 'every subdirectory of a source directory is a definition and needs a type file', { service: name });
    return undefined;
  }
  const type = parseType(bytes);
  if (!type) {
    f.error('check-unknown-type', typeFile, `invalid ${typeFile}: must be oneshot, longrun, or bundle`, 'write exactly the word followed by one newline', { service: name });
    return undefined;
  }
  const def: Definition = { name, dir, type, names: [], consumerFor: [], view };
  if (type === 'bundle') {
    const contents = readNames(f, name, view, 'contents');
    if (!contents) {
      const file = join(dir, 'contents');
      f.error('check-missing-contents', file, `unable to open ${file}`, 'a bundle needs contents.d/ (or contents), even if empty', { service: name });
    } else def.names = contents;
    return def;
  }
  def.names = readNames(f, name, view, 'dependencies') ?? [];
  readTimeout(f, name, view, 'timeout-down');
  readTimeout(f, name, view, 'timeout-up');
  if (type === 'oneshot') {
    readScript(f, name, view, 'up', true);
    readScript(f, name, view, 'down', false);
  } else readLongrun(f, def);
  return def;
}
