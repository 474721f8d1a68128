/**
 * One source of truth per service (issue 12, owned with issue 11): a service with an init script and a
 * unit takes every run fact from the definition the host's init system runs, the upgrade included; the
 * other is evidence only. sysvinit host: the script; systemd host: the unit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanHost } from '../../src/pipeline.js';
import { inferForeground } from '../../src/upgrade/foreground.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

function host(): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-one-def-'));
  roots.push(root);
  const files: Record<string, string> = {
    'etc/init.d/webd': '#!/bin/sh\n### BEGIN INIT INFO\n# Provides: webd\n# Required-Start:\n# Required-Stop:\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\ncase "$1" in\nstart) start-stop-daemon --start --chuid nobody --chdir /srv/script --exec /usr/sbin/webd -- --daemon --from-script ;;\nesac\n',
    'lib/systemd/system/webd.service': '[Service]\nType=simple\nUser=www-data\nWorkingDirectory=/srv/unit\nEnvironment=FROM=unit\nExecStart=/usr/sbin/webd --foreground --from-unit\n[Install]\nWantedBy=multi-user.target\n',
  };
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text, { mode: 0o755 });
  }
  return root;
}

describe('one definition per service', () => {
  it('sysvinit host: the script gives every fact, the unit none (not its command, user, directory or environment)', () => {
    const s = scanHost({ paths: [], root: host(), init: 'sysv' }).services.find((x) => x.name === 'webd')!;
    expect(s.format).toBe('sysv');
    expect(s.run.user?.name).toBe('nobody');
    expect(s.run.workdir?.path).toBe('/srv/script');
    expect(s.run.env['FROM']).toBeUndefined();
    const fg = inferForeground(s);
    expect(fg.ok && fg.argv.includes('--from-unit')).toBe(false);
  });

  it('systemd host: the unit gives every fact, the script none', () => {
    const s = scanHost({ paths: [], root: host(), init: 'systemd' }).services.find((x) => x.name === 'webd')!;
    expect(s.format).toBe('systemd');
    expect(s.run.user?.name).toBe('www-data');
    expect(s.run.workdir?.path).toBe('/srv/unit');
    const fg = inferForeground(s);
    expect(fg.ok && fg.argv).toEqual(['/usr/sbin/webd', '--foreground', '--from-unit']);
    expect(s.sources.filter((e) => e.lost).map((e) => e.format)).toEqual(['sysv']);
  });
});
