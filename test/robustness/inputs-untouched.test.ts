/**
 * scan and convert over a host root full of things that are not service definitions (symlink loops, a
 * FIFO, a directory named like a script, binary, huge and non-UTF-8 files): each gives exactly one
 * diagnostic naming it, the well-formed services beside them are still converted, and no input changes
 * (bytes, mode, mtime of every file, link and directory under the root). Runs through the bundled CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkTree } from '../../src/check/index.js';
import { formatDiagnostic, type Diagnostic } from '../../src/model/diagnostic.js';
import { buildCli, runCli } from './cli.js';
import { CORPUS_SKIP } from '../support/corpus.js';
import { CORPUS, HAVE_CORPUS, REPO, tempDir, writeRoot } from './helpers.js';

const FIXTURE_HOST = join(REPO, 'test/fixtures/robustness/host');
const IS_ROOT = process.getuid?.() === 0;

/** Every entry under `dir` (not following links): kind, mode, mtime, and content hash or link target. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string, rel: string) => {
    const st = lstatSync(p);
    const base = `mode=${st.mode.toString(8)} mtime=${st.mtimeMs}`;
    if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)} ${base}`);
    else if (st.isDirectory()) {
      out.set(rel, `dir ${base}`);
      for (const n of readdirSync(p).sort()) walk(join(p, n), rel === '' ? n : `${rel}/${n}`);
    } else if (st.isFile()) out.set(rel, `file sha256=${createHash('sha256').update(readFileSync(p)).digest('hex')} size=${st.size} ${base}`);
    else out.set(rel, `special ${base}`); // FIFO: reading it would block
  };
  walk(dir, '');
  return out;
}

/**
 * Hostile entries: path relative to root -> what it is, and what its one diagnostic must say (code or
 * message). Each must yield exactly one diagnostic naming it.
 */
const HOSTILE: Record<string, { what: string; says: RegExp }> = {
  'etc/init.d/loop-a': { what: 'symlink loop a -> b', says: /symlink.loop/ },
  'etc/init.d/loop-b': { what: 'symlink loop b -> a', says: /symlink.loop/ },
  'etc/init.d/fifo': { what: 'a FIFO', says: /not-a-file|FIFO/ },
  'etc/init.d/dirscript': { what: 'a directory named like a script', says: /director/ },
  'etc/init.d/binary': { what: 'NUL bytes after a shebang', says: /binary/ },
  'etc/init.d/huge': { what: 'a 5 MiB script', says: /too-large|bytes/ },
  'etc/init.d/latin1': { what: 'ISO-8859-1 text', says: /utf-?8/i },
  'lib/systemd/system/binary.service': { what: 'a unit with NUL bytes', says: /binary/ },
  'lib/systemd/system/latin1.service': { what: 'a unit in ISO-8859-1', says: /utf-?8/i },
  'lib/systemd/system/huge.service': { what: 'a 5 MiB unit', says: /too-large|bytes/ },
  'lib/systemd/system/uloop1.service': { what: 'unit symlink loop 1 -> 2', says: /symlink.loop/ },
  'lib/systemd/system/uloop2.service': { what: 'unit symlink loop 2 -> 1', says: /symlink.loop/ },
  'lib/systemd/system/uself.service': { what: 'unit linking to itself', says: /symlink.loop/ },
};

function makeHostileRoot(root: string): void {
  cpSync(FIXTURE_HOST, root, { recursive: true, verbatimSymlinks: true });
  writeRoot(root, {
    'etc/init.d/loop-a': { link: 'loop-b' },
    'etc/init.d/loop-b': { link: 'loop-a' },
    'etc/init.d/dirscript/README': 'a directory where a script would be\n',
    'etc/init.d/binary': Buffer.concat([Buffer.from('#!/bin/sh\necho '), Buffer.from([0, 1, 2, 0xff, 0]), Buffer.from('\n')]),
    'etc/init.d/huge': '#!/bin/sh\n' + '# padding padding padding padding padding padding padding padding\n'.repeat(80_000),
    // A Latin-1 init script is read (with a warning), so give it a header: the warning is then its only diagnostic.
    'etc/init.d/latin1': Buffer.from('#!/bin/sh\n### BEGIN INIT INFO\n# Provides: latin1\n# Default-Start: 2\n### END INIT INFO\n# Caf\xe9 daemon\nDAEMON=/usr/sbin/caf\xe9\n', 'latin1'),
    'lib/systemd/system/binary.service': Buffer.concat([Buffer.from('[Service]\nExecStart=/bin/x'), Buffer.from([0]), Buffer.from('\n')]),
    'lib/systemd/system/latin1.service': Buffer.from('[Unit]\nDescription=Caf\xe9\n[Service]\nExecStart=/bin/caf\xe9\n', 'latin1'),
    'lib/systemd/system/uloop1.service': { link: 'uloop2.service' },
    'lib/systemd/system/uloop2.service': { link: 'uloop1.service' },
    'lib/systemd/system/uself.service': { link: 'uself.service' },
    // Unterminated quote on the last line, no final newline: the OpenRC reader must report it and go on.
    'etc/init.d/openrc-badquote': '#!/sbin/openrc-run\ncommand="/usr/bin/x',
    'lib/systemd/system/huge.service': '[Service]\nExecStart=/bin/x\n' + '# padding padding padding padding padding padding padding padding\n'.repeat(80_000),
  });
  const mk = spawnSync('mkfifo', [join(root, 'etc/init.d/fifo')]);
  if (mk.status !== 0) throw new Error(`mkfifo failed: ${mk.stderr}`);
}

function diagnosticsOf(stdout: string): Diagnostic[] {
  return (JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics;
}

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.cleanup());

describe('hostile files in a host root', () => {
  let work: string;
  let root: string;
  beforeAll(() => {
    work = tempDir('untouched');
    root = join(work, 'root');
    makeHostileRoot(root);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const cmd of ['scan', 'convert'] as const) {
    it(`${cmd}: one diagnostic per hostile file, good services still converted, inputs unchanged`, () => {
      const before = snapshot(root);
      const out = join(work, `out-${cmd}`);
      const args = cmd === 'scan' ? ['scan', '--root', root, '--json'] : ['convert', '--root', root, '--out', out, '--json'];
      const r = runCli(cli.bin, args);
      expect(r.stderr).not.toMatch(/internal error/);
      expect([0, 1]).toContain(r.status);
      const diags = diagnosticsOf(r.stdout);

      const wrong: string[] = [];
      for (const [rel, { what, says }] of Object.entries(HOSTILE)) {
        const about = diags.filter((d) => d.file === join(root, rel)).map((d) => `${d.code}: ${d.message}`);
        if (about.length !== 1 || !says.test(about[0]!)) wrong.push(`${rel} (${what}): expected one diagnostic matching ${says}, got ${JSON.stringify(about)}`);
      }
      expect(wrong).toEqual([]);
      // A broken OpenRC script costs that script only, with a diagnostic naming it and its line.
      expect(diags.filter((d) => /internal/.test(d.code)).map((d) => `${d.file}: ${d.message.slice(0, 300)}`)).toEqual([]);
      expect(diags.filter((d) => d.file === join(root, 'etc/init.d/openrc-badquote') && /unterminated/.test(d.message) && d.line === 2)).toHaveLength(1);
      const json = JSON.parse(r.stdout) as { services?: { name: string }[] };
      if (cmd === 'scan') {
        expect(json.services!.map((s) => s.name)).toEqual(expect.arrayContaining(['goodsvc', 'goodunit', 'goodrc']));
      } else {
        // The run went on: the good services are in the written tree, and the tree is valid.
        expect(existsSync(join(out, 'goodsvc', 'type'))).toBe(true);
        expect(existsSync(join(out, 'goodunit', 'type'))).toBe(true);
        expect(existsSync(join(out, 'goodrc', 'type'))).toBe(true);
        expect(checkTree(out).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
      }
      expect(snapshot(root)).toEqual(before);
    });
  }

  it.skipIf(IS_ROOT)(IS_ROOT ? 'an unreadable file (chmod 000): skipped, tests run as root, who reads any file (the FIFO and directory cases cover it)' : 'an unreadable file (chmod 000) gives one diagnostic', () => {
    const r2 = join(work, 'root-unreadable');
    cpSync(FIXTURE_HOST, r2, { recursive: true, verbatimSymlinks: true });
    writeRoot(r2, { 'etc/init.d/secret': '#!/bin/sh\n' });
    chmodSync(join(r2, 'etc/init.d/secret'), 0);
    const r = runCli(cli.bin, ['scan', '--root', r2, '--json']);
    const about = diagnosticsOf(r.stdout).filter((d) => d.file === join(r2, 'etc/init.d/secret'));
    expect(about).toHaveLength(1);
  });
});

describe.skipIf(!HAVE_CORPUS)(`a copied corpus root (${CORPUS}${CORPUS_SKIP})`, () => {
  it('scan and convert leave every input byte, mode and mtime as it was', () => {
    const work = tempDir('corpus-untouched');
    try {
      const root = join(work, 'root');
      // All packages merged into one host root, as they would be installed.
      for (const pkg of readdirSync(CORPUS).filter((p) => !p.startsWith('.')).sort()) {
        cpSync(join(CORPUS, pkg), root, { recursive: true, verbatimSymlinks: true, force: true });
      }
      const before = snapshot(root);
      expect(before.size).toBeGreaterThan(100);

      const scan = runCli(cli.bin, ['scan', '--root', root, '--json']);
      expect(scan.stderr).not.toMatch(/internal error/);
      expect([0, 1]).toContain(scan.status);
      const out = join(work, 'out');
      const conv = runCli(cli.bin, ['convert', '--root', root, '--out', out, '--json']);
      expect(conv.stderr).not.toMatch(/internal error/);
      expect([0, 1]).toContain(conv.status);
      expect(checkTree(out).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
      expect(diagnosticsOf(conv.stdout).length).toBeGreaterThan(0);
      expect(readdirSync(out).length).toBeGreaterThan(50);
      expect(snapshot(root)).toEqual(before);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
