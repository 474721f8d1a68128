/**
 * One tree per rule of s6-rc-compile 0.5.4.1 (reference §1-§3, §7), with the verdict it gives and the
 * diagnostic code the validator must report. Shared by the rule tests and the differential test.
 */
import { bundle, deps, fifo, link, longrun, oneshot, type Spec } from './tree-builder.js';

export interface Case {
  title: string;
  spec: Spec;
  ok: boolean;
  /** An error code that must be reported (when !ok) or a warning code (when ok). */
  code?: string;
}

const pipe = (extraLog: Spec = {}, extraSrv: Spec = {}): Spec => ({
  'foo-srv': longrun({ 'producer-for': 'foo-log\n', ...extraSrv }),
  'foo-log': longrun({ 'consumer-for': 'foo-srv\n', 'pipeline-name': 'foo\n', ...extraLog }),
});

export const CASES: Case[] = [
  // ---- valid trees
  { title: 'a oneshot, a longrun and a bundle', ok: true, spec: { a: oneshot(), b: longrun(deps('a')), all: bundle(['a', 'b']) } },
  { title: 'type with junk past byte 8', ok: true, spec: { a: longrun({ type: 'longrun\n trailing junk' }) } },
  { title: 'type without newline', ok: true, spec: { a: { type: 'bundle', contents: '' } } },
  { title: 'empty bundle (empty contents.d)', ok: true, spec: { e: { type: 'bundle\n', 'contents.d': {} } } },
  { title: 'bundle of bundles', ok: true, spec: { a: oneshot(), b: bundle(['a']), c: bundle(['b', 'a']), d: bundle(['c']) } },
  { title: 'deprecated contents/dependencies files with comments and blanks', ok: true,
    spec: { a: oneshot(), b: { type: 'oneshot\n', up: 'true', dependencies: '# c\n\n  \ta\n' }, c: { type: 'bundle\n', contents: 'a\nb' } } },
  { title: 'pipeline with pipeline-name used as a dependency', ok: true, spec: { ...pipe(), x: oneshot('true', deps('foo')) } },
  { title: 'funnel with an intermediate (chain)', ok: true, spec: {
    p: longrun({ 'producer-for': 'm\n' }), m: longrun({ 'consumer-for': 'p\n', 'producer-for': 'l\n' }),
    q: longrun({ 'producer-for': 'l\n' }), l: longrun({ 'consumer-for': 'm\nq\n', 'pipeline-name': 'chain\n' }), b: bundle(['chain']) } },
  { title: 'empty consumer-for is ignored', ok: true, spec: { a: longrun({ 'consumer-for': '' }) } },
  { title: 'timeouts with leading zeros and trailing newlines', ok: true, spec: { a: oneshot('true', { 'timeout-up': '000123\n\n\n', 'timeout-down': '4294967295' }) } },
  { title: 'UINT with a comment after the newline', ok: true, spec: { a: longrun({ 'notification-fd': '3\n# note' }) } },
  { title: 'notification-fd below 3 only warns', ok: true, code: 'check-fd-below-3', spec: { a: longrun({ 'notification-fd': '1\n' }) } },
  { title: 'lock-fd equal to a notification-fd below 3 only warns', ok: true, code: 'check-fd-below-3', spec: { a: longrun({ 'notification-fd': '2\n', 'lock-fd': '2\n' }) } },
  { title: 'pipeline-name on a producer is ignored with a warning', ok: true, code: 'check-pipeline-name-ignored', spec: pipe({}, { 'pipeline-name': 'x\n' }) },
  { title: 'empty source directory warns', ok: true, code: 'check-empty-source', spec: { 'README': 'plain files are skipped\n', '.hidden': {} } },
  { title: 'dot entries and plain files are skipped', ok: true, spec: { '.s6migrate': { 'model.json': '{}' }, notes: 'x', a: oneshot() } },
  { title: 'dangling symlinks in dependencies.d count as names', ok: true, spec: { a: oneshot(), b: oneshot('true', { 'dependencies.d': { a: link('/nonexistent') } }) } },
  { title: 'names with spaces and UTF-8', ok: true, spec: { 'my svc': oneshot(), 'é': oneshot('true', deps('my svc')) } },
  { title: 'execline blocks, quotes and escapes in up', ok: true, spec: { a: oneshot('#!/bin/sh ignored\nforeground { echo "a b" "" \\0x41 } if { true } "\\t\\101"\n') } },
  { title: 'comment-only up script', ok: true, spec: { a: oneshot('# nothing\n') } },
  { title: 'ignored files (log/, down, nosetsid, flags, down-signal)', ok: true,
    spec: { a: longrun({ log: {}, down: '', nosetsid: '', 'flag-essential': '', 'down-signal': 'garbage', data: {}, env: { X: 'y' }, template: {} }) } },
  { title: 'bundle ignores dependencies and timeouts', ok: true, spec: { b: bundle([], { dependencies: 's6rc-x\n', 'timeout-up': 'bad' }) } },
  { title: 'oneshot ignores longrun-only files', ok: true, spec: { a: oneshot('true', { 'notification-fd': 'x', 'producer-for': '', data: 'file' }) } },
  { title: 'a symlink to a definition directory', ok: true, spec: { '.real': oneshot(), a: link('.real') } },
  { title: 'name listed twice in a list file', ok: true, code: 'check-name-listed-twice', spec: { a: oneshot(), b: oneshot('true', { dependencies: 'a\na\n' }) } },
  { title: 'dangling finish and data symlinks are ignored', ok: true, spec: { a: longrun({ finish: link('/nonexistent'), data: link('/nonexistent') }) } },

  // ---- source scan
  { title: 'entry with a newline in its name', ok: false, code: 'check-name-newline', spec: { 'a\nb': oneshot() } },
  { title: 'reserved prefix s6rc- on a definition', ok: false, code: 'check-reserved-prefix', spec: { 's6rc-x': oneshot() } },
  { title: 'reserved prefix s6-rc- on a plain file', ok: false, code: 'check-reserved-prefix', spec: { 's6-rc-notes': 'x' } },
  { title: 'dangling symlink in the source', ok: false, code: 'check-dangling-entry', spec: { a: oneshot(), b: link('/nonexistent/x') } },
  { title: 'subdirectory without type', ok: false, code: 'check-type-missing', spec: { a: { up: 'true' } } },

  // ---- type
  { title: 'unknown type', ok: false, code: 'check-unknown-type', spec: { a: { type: 'daemon\n' } } },
  { title: 'type with a doubled newline', ok: false, code: 'check-unknown-type', spec: { a: { type: 'bundle\n\n', contents: '' } } },
  { title: 'type with trailing space', ok: false, code: 'check-unknown-type', spec: { a: { type: 'oneshot \n', up: 'true' } } },
  { title: 'type with CRLF', ok: false, code: 'check-unknown-type', spec: { a: { type: 'oneshot\r\n', up: 'true' } } },
  { title: 'type of 8 bytes not ending in LF (s6-rc-compile overflows and aborts)', ok: false, code: 'check-unknown-type', spec: { a: { type: 'oneshot\0', up: 'true' } } },
  { title: 'empty type', ok: false, spec: { a: { type: '', up: 'true' } } },
  { title: 'type is a directory', ok: false, code: 'check-type-missing', spec: { a: { type: {}, up: 'true' } } },
  // The type file is read through the directory listing: a symlink is followed, a dangling one is unreadable.
  { title: 'type is a symlink to a type file', ok: true, spec: { a: { type: link('../.t'), up: 'true' }, '.t': 'oneshot\n' } },
  { title: 'type is a dangling symlink', ok: false, code: 'check-type-missing', spec: { a: { type: link('/nonexistent'), up: 'true' } } },
  { title: 'type is a symlink to a directory', ok: false, code: 'check-type-missing', spec: { a: { type: link('..'), up: 'true' } } },

  // ---- lists
  { title: 'undefined dependency', ok: false, code: 'check-undefined-dependency', spec: { a: oneshot('true', deps('nope')) } },
  { title: 'trailing space in a dependencies line makes it undefined', ok: false, code: 'check-undefined-dependency', spec: { a: oneshot(), b: oneshot('true', { dependencies: 'a \n' }) } },
  { title: 'inline comment in a list line is part of the name', ok: false, code: 'check-undefined-dependency', spec: { a: oneshot(), b: oneshot('true', { dependencies: 'a # why\n' }) } },
  { title: 'reserved prefix in dependencies.d', ok: false, code: 'check-reserved-prefix', spec: { a: oneshot('true', deps('s6rc-oneshot-runner')) } },
  { title: 'reserved prefix in contents', ok: false, code: 'check-reserved-prefix', spec: { b: { type: 'bundle\n', contents: 's6-rc-x\n' } } },
  { title: 'dependencies.d is a file', ok: false, code: 'check-list-unreadable', spec: { a: oneshot('true', { 'dependencies.d': '' }) } },
  { title: 'dependencies is a directory', ok: false, code: 'check-list-unreadable', spec: { a: oneshot('true', { dependencies: {} }) } },

  // ---- timeouts
  { title: 'empty timeout', ok: false, code: 'check-invalid-timeout', spec: { a: oneshot('true', { 'timeout-up': '' }) } },
  { title: 'timeout with a space', ok: false, code: 'check-invalid-timeout', spec: { a: oneshot('true', { 'timeout-down': ' 5\n' }) } },
  { title: 'timeout with CRLF', ok: false, code: 'check-invalid-timeout', spec: { a: longrun({ 'timeout-up': '5\r\n' }) } },
  { title: 'timeout overflowing uint32', ok: false, code: 'check-invalid-timeout', spec: { a: oneshot('true', { 'timeout-up': '4294967296\n' }) } },
  { title: 'negative timeout', ok: false, code: 'check-invalid-timeout', spec: { a: oneshot('true', { 'timeout-up': '-1' }) } },
  { title: 'timeout is a directory', ok: false, code: 'check-unreadable-file', spec: { a: oneshot('true', { 'timeout-up': {} }) } },

  // ---- oneshot scripts
  { title: 'missing up', ok: false, code: 'check-missing-up', spec: { a: { type: 'oneshot\n' } } },
  { title: 'up is a directory', ok: false, code: 'check-script-unreadable', spec: { a: { type: 'oneshot\n', up: {} } } },
  { title: 'unmatched { in up', ok: false, code: 'check-script-syntax', spec: { a: oneshot('foreground { echo x\n') } },
  { title: 'unmatched } in down', ok: false, code: 'check-script-syntax', spec: { a: oneshot('true', { down: 'echo x }\n' }) } },
  { title: 'unterminated quote in up', ok: false, code: 'check-script-syntax', spec: { a: oneshot('echo "abc\n') } },
  { title: '{ at end of file', ok: false, code: 'check-script-syntax', spec: { a: oneshot('echo {') } },
  { title: 'invalid numeric escape', ok: false, code: 'check-script-syntax', spec: { a: oneshot('echo "\\0"\n') } },
  { title: 'backslash at end inside a word', ok: false, code: 'check-script-syntax', spec: { a: oneshot('echo a\\') } },
  { title: 'shell-looking up script still lexes (valid)', ok: true, spec: { a: oneshot('#!/bin/sh\necho "hi $1" ; exit 0\n') } },

  // ---- longrun
  { title: 'missing run', ok: false, code: 'check-missing-run', spec: { a: { type: 'longrun\n' } } },
  { title: 'run is a directory', ok: false, code: 'check-run-not-regular', spec: { a: { type: 'longrun\n', run: {} } } },
  { title: 'run is a FIFO', ok: false, code: 'check-run-not-regular', spec: { a: { type: 'longrun\n', run: fifo() } } },
  { title: 'run is a dangling symlink', ok: false, code: 'check-missing-run', spec: { a: { type: 'longrun\n', run: link('/nonexistent') } } },
  { title: 'empty producer-for', ok: false, code: 'check-producer-for-count', spec: { a: longrun({ 'producer-for': '' }) } },
  { title: 'producer-for with two names', ok: false, code: 'check-producer-for-count', spec: { a: longrun({ 'producer-for': 'b\nc\n' }), b: longrun({ 'consumer-for': 'a' }), c: longrun({ 'consumer-for': 'a' }) } },
  { title: 'pipeline-name with two names', ok: false, code: 'check-pipeline-name-count', spec: pipe({ 'pipeline-name': 'a\nb\n' }) },
  { title: 'empty pipeline-name on a last consumer', ok: false, code: 'check-pipeline-name-count', spec: pipe({ 'pipeline-name': '' }) },
  { title: 'reserved prefix in pipeline-name', ok: false, code: 'check-reserved-prefix', spec: pipe({ 'pipeline-name': 's6rc-p\n' }) },
  { title: 'notification-fd equal to lock-fd', ok: false, code: 'check-lock-fd-clash', spec: { a: longrun({ 'notification-fd': '3\n', 'lock-fd': '3' }) } },
  { title: 'empty notification-fd', ok: false, code: 'check-invalid-uint', spec: { a: longrun({ 'notification-fd': '' }) } },
  { title: 'notification-fd with a leading space', ok: false, code: 'check-invalid-uint', spec: { a: longrun({ 'notification-fd': ' 3' }) } },
  { title: 'timeout-kill with trailing space', ok: false, code: 'check-invalid-uint', spec: { a: longrun({ 'timeout-kill': '3 \n' }) } },
  { title: 'max-death-tally overflowing', ok: false, code: 'check-invalid-uint', spec: { a: longrun({ 'max-death-tally': '99999999999' }) } },
  { title: 'data is a file', ok: false, code: 'check-not-a-directory', spec: { a: longrun({ data: 'x' }) } },
  { title: 'env is a file', ok: false, code: 'check-not-a-directory', spec: { a: longrun({ env: '' }) } },
  { title: 'template is a file', ok: false, code: 'check-not-a-directory', spec: { a: longrun({ template: 'x' }) } },
  { title: 'finish is a directory', ok: false, code: 'check-finish-not-file', spec: { a: longrun({ finish: {} }) } },

  // ---- bundles
  { title: 'bundle without contents', ok: false, code: 'check-missing-contents', spec: { b: { type: 'bundle\n' } } },
  { title: 'bundle with undefined member', ok: false, code: 'check-undefined-bundle-member', spec: { b: bundle(['ghost']) } },
  { title: 'bundle containing itself', ok: false, code: 'check-bundle-cycle', spec: { b: bundle(['b']) } },
  { title: 'bundle cycle through two bundles', ok: false, code: 'check-bundle-cycle', spec: { a: oneshot(), b: bundle(['c', 'a']), c: bundle(['b']) } },

  // ---- dependency cycles
  { title: 'self dependency', ok: false, code: 'check-dependency-cycle', spec: { a: oneshot('true', deps('a')) } },
  { title: 'mutual dependency', ok: false, code: 'check-dependency-cycle', spec: { a: oneshot('true', deps('b')), b: longrun(deps('a')) } },
  { title: 'dependency on a bundle containing the service', ok: false, code: 'check-dependency-cycle', spec: { a: oneshot('true', deps('all')), all: bundle(['a']) } },
  { title: 'cycle through a pipeline (consumer depends on its producer)', ok: false, code: 'check-dependency-cycle', spec: pipe(deps('foo-srv')) },
  { title: 'cycle through a pipeline bundle', ok: false, code: 'check-dependency-cycle', spec: pipe(deps('foo')) },

  // ---- pipelines
  { title: 'producer not declared back', ok: false, code: 'check-pipeline-not-reciprocal', spec: { a: longrun({ 'producer-for': 'b\n' }), b: longrun() } },
  { title: 'consumer not declared back', ok: false, code: 'check-pipeline-not-reciprocal', spec: { a: longrun(), b: longrun({ 'consumer-for': 'a\n' }) } },
  { title: 'two consumers claim one producer', ok: false, code: 'check-pipeline-not-reciprocal',
    spec: { a: longrun({ 'producer-for': 'b\n' }), b: longrun({ 'consumer-for': 'a\n' }), c: longrun({ 'consumer-for': 'a\n' }) } },
  { title: 'producer for a oneshot', ok: false, code: 'check-producer-target-type', spec: { a: longrun({ 'producer-for': 'b\n' }), b: oneshot() } },
  { title: 'producer for an undefined service', ok: false, code: 'check-producer-target-type', spec: { a: longrun({ 'producer-for': 'b\n' }) } },
  { title: 'consumer for a bundle', ok: false, code: 'check-consumer-source-type', spec: { a: longrun({ 'consumer-for': 'b\n' }), b: bundle([]) } },
  { title: 'pipeline-name equal to a service name', ok: false, code: 'check-duplicate-definition', spec: pipe({ 'pipeline-name': 'foo-srv\n' }) },
  { title: 'two pipelines with the same pipeline-name', ok: false, code: 'check-duplicate-definition',
    spec: { ...pipe(), 'x-srv': longrun({ 'producer-for': 'x-log\n' }), 'x-log': longrun({ 'consumer-for': 'x-srv\n', 'pipeline-name': 'foo\n' }) } },
  { title: 'pipeline member of the wrong type', ok: false, code: 'check-pipeline-member-type', spec: { l: longrun({ 'consumer-for': 'o\n', 'pipeline-name': 'p\n' }), o: oneshot() } },
  { title: 'pipeline ring (each both producer and consumer)', ok: false, code: 'check-dependency-cycle',
    spec: { a: longrun({ 'producer-for': 'b\n', 'consumer-for': 'b\n' }), b: longrun({ 'producer-for': 'a\n', 'consumer-for': 'a\n' }) } },
];
