/**
 * The scan of one source directory (s6-rc-compile's add_sources, reference §1.1): every non-dot entry is
 * checked (even plain files), then the directories are definitions, parsed in byte order.
 */
import { DirView, join, type BytePath } from './bytes.js';
import { Findings, isReserved } from './messages.js';

/** Names of the definition directories, in strcmp order; diagnostics for the bad entries. */
export function scanSource(f: Findings, src: BytePath): string[] {
  const view = new DirView(src, false);
  const entries = view.names();
  if (!entries) {
    f.error('check-source-unreadable', src, `unable to opendir ${src}`, 'the source directory cannot be listed');
    return [];
  }
  const dirs: string[] = [];
  for (const name of entries) {
    if (name.startsWith('.')) continue; // dot entries are invisible to s6-rc-compile
    const path = join(src, name);
    if (name.includes('\n')) {
      f.error('check-name-newline', path, `subdirectory of ${src} contains a newline character`, 'no entry of a source directory may have a newline in its name');
      continue;
    }
    if (isReserved(name)) {
      f.error('check-reserved-prefix', path, `in ${src}: identifier ${name} starts with reserved prefix`,
        's6rc- and s6-rc- belong to s6-rc itself; this applies to every entry, even plain files (use a dot-name for extra material)');
      continue;
    }
    const k = view.kind(name);
    if (k === 'missing' || k === 'error') {
      f.error('check-dangling-entry', path, `unable to stat ${path}`, 'the entry (probably a dangling symlink) cannot be stat()ed, which is fatal even for non-definitions');
      continue;
    }
    if (k === 'dir') dirs.push(name);
  }
  if (dirs.length === 0 && f.list.every((d) => d.severity !== 'error')) {
    f.warning('check-empty-source', src, `source ${src} is empty`, 'no service definitions found');
  }
  return dirs.sort();
}
