import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importSysv } from '../../../importers/sysv/index.js';
import { envFileCommand } from '../../../src/s6rc/run-script.js';

describe('set -a in an init script (etcd sources its defaults with it on)', () => {
  const root = mkdtempSync(join(tmpdir(), 's6m-allexport-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'etc/default'), { recursive: true });
  const script = (name: string, body: string): string => {
    const f = join(root, 'etc/init.d', name);
    writeFileSync(f, `#!/bin/sh\n${body}\nstart-stop-daemon --start --background --exec /usr/bin/${name}\n`, { mode: 0o755 });
    writeFileSync(join(root, 'etc/default', name), 'FROM_FILE=1\n');
    return f;
  };
  const run = (name: string, body: string) => importSysv({ root, files: [script(name, body)] }).services[0]!.run;

  it('exports what is assigned and sourced while it is on, and nothing after set +a', () => {
    const r = run('a', `set -a\nOWN=x\n[ -r /etc/default/a ] && . /etc/default/a\nset +a\nLATER=y`);
    expect(Object.keys(r.env)).toEqual(['OWN']);
    expect(r.envFiles.map((f) => [f.path, f.exportAll])).toEqual([['/etc/default/a', true]]);
  });
  it('set -o allexport too; without it nothing the file sets is exported', () => {
    expect(run('b', `set -o allexport\n. /etc/default/b`).envFiles[0]!.exportAll).toBe(true);
    const plain = run('c', `set -e\nOWN=x\n. /etc/default/c`);
    expect(plain.envFiles[0]!.exportAll).toBeUndefined();
    expect(plain.env).toEqual({});
  });
  it('the run script sources with set -a only then', () => {
    expect(envFileCommand({ path: '/etc/default/a', optional: true, syntax: 'shell' })[2]).toBe('if [ -r "$1" ]; then . "$1"; fi; shift; exec "$@"');
    expect(envFileCommand({ path: '/etc/default/a', optional: true, syntax: 'shell', exportAll: true })[2]).toBe('if [ -r "$1" ]; then set -a; . "$1"; set +a; fi; shift; exec "$@"');
  });
});
