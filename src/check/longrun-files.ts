/**
 * The checks s6-rc-compile makes only while writing a longrun's servicedir (write_servicedirs, reference
 * §2.3 step 6): the UINT files, notification-fd vs lock-fd, `finish` copyable, and data/env/template
 * being directories.
 */
import { join, readBytes } from './bytes.js';
import type { Definition } from './definition.js';
import { parseUint, UINT_READ_BYTES } from './formats.js';
import { Findings } from './messages.js';

/** Files s6rc_read_uint parses; fact from s6-rc-compile.c write_servicedirs. */
const UINT_FILES = ['notification-fd', 'lock-fd', 'timeout-kill', 'timeout-finish', 'max-death-tally'] as const;
/** Directories copied recursively; anything else under these names is fatal. */
const DIR_FILES = ['template', 'data', 'env'] as const;

export function checkLongrunFiles(f: Findings, d: Definition): void {
  const svc = d.name;
  const finish = join(d.dir, 'finish');
  if (d.view.kind('finish') === 'dir') {
    f.error('check-finish-not-file', finish, `unable to copy ${finish}`, 'finish must be a regular file', { service: svc });
  }
  const values: Partial<Record<(typeof UINT_FILES)[number], number>> = {};
  for (const base of UINT_FILES) {
    const file = join(d.dir, base);
    const k = d.view.kind(base);
    if (k === 'missing') continue;
    const bytes = readBytes(file, UINT_READ_BYTES, k);
    const v = bytes && parseUint(bytes);
    if (v === undefined) {
      f.error('check-invalid-uint', file, `unable to read ${file}: Invalid argument`,
        'expected an unsigned decimal number with nothing before it and nothing but a newline after it', { service: svc });
      continue;
    }
    values[base] = v;
  }
  for (const base of ['notification-fd', 'lock-fd'] as const) {
    const v = values[base];
    if (v !== undefined && v < 3) {
      f.warning('check-fd-below-3', join(d.dir, base), `longrun ${svc} has a ${base} of ${v}`,
        'fds 0, 1 and 2 are stdin, stdout (the pipe in a pipeline) and stderr', { service: svc });
    }
  }
  const notif = values['notification-fd'];
  const lock = values['lock-fd'];
  if (notif !== undefined && notif >= 3 && lock === notif) {
    f.error('check-lock-fd-clash', join(d.dir, 'lock-fd'), `longrun ${svc} has the same value for notification-fd and lock-fd`,
      `both are ${lock}; s6-supervise holds its lock on lock-fd, so readiness needs another fd`, { service: svc });
  }
  for (const base of DIR_FILES) {
    const path = join(d.dir, base);
    const k = d.view.kind(base);
    if (k !== 'missing' && k !== 'dir') {
      f.error('check-not-a-directory', path, `${path} is not a directory`, `${base} is copied recursively and must be a directory`, { service: svc });
    }
  }
}
