/**
 * A unit's oneshot commands run with the unit's process state, as systemd runs every Exec line
 * (systemd.exec(5)): User=, Environment=, EnvironmentFile=, WorkingDirectory=, UMask=, and `$VAR`s
 * expanded from that environment at start. A `+` line keeps root. Converted with the real pipeline,
 * checked by the validator, and run with each stack's execlineb and s6-setuidgid as s6-rc would run it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { expectValidates } from '../support/valid-tree.js';
import { describeStacks } from '../support/stacks.js';

const work = mkdtempSync(join(tmpdir(), 's6m-e2e-unit-state-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0;

describeStacks('systemd oneshot commands run with the unit\'s process state', (stack) => describe.skipIf(!asRoot)(asRoot ? 'as root' : 'skipped: needs root, to run as nobody', () => {
  it('as User=, in WorkingDirectory=, with UMask= and both environments; `+` stays root; down too', () => {
    const w = join(work, stack.version);
    mkdirSync(w);
    const root = join(w, 'root');
    const shared = join(w, 'shared'); // nobody writes here
    const workdir = join(w, 'workdir');
    mkdirSync(join(root, 'lib/systemd/system'), { recursive: true });
    mkdirSync(shared);
    mkdirSync(workdir);
    chmodSync(work, 0o755);
    chmodSync(w, 0o755);
    chmodSync(shared, 0o777);
    const out = join(shared, 'out');
    const envFile = join(w, 'job.env');
    writeFileSync(envFile, 'BAR=from file\n');
    const report = `echo "$(id -un) $(pwd) $(umask) [$FOO] [$BAR] [$1] [$2]" >> ${out}`;
    writeFileSync(join(root, 'lib/systemd/system/job.service'), `[Unit]
Description=state test
[Service]
Type=oneshot
RemainAfterExit=yes
User=nobody
Environment="FOO=from unit"
EnvironmentFile=-${envFile}
WorkingDirectory=${workdir}
UMask=0027
ExecStart=/bin/sh -c '${report}' sh \${BAR} $FOO
ExecStartPost=+/bin/sh -c 'id -un >> ${out}'
ExecStop=/bin/sh -c 'echo "stop $(id -un) [$FOO]" >> ${out}'
[Install]
WantedBy=multi-user.target
`);
    const converted = convertHost({ paths: [], root, out: join(w, 'out'), force: false });
    expect(converted.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expectValidates(join(w, 'out'));
    for (const file of ['up', 'down']) {
      const r = spawnSync(stack.tool('execlineb'), ['-P', join(w, 'out/job', file)], { encoding: 'utf8', env: { PATH: stack.path } });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(readFileSync(out, 'utf8').split('\n')).toEqual([
      `nobody ${workdir} 0027 [from unit] [from file] [from file] [from]`, // `$FOO` alone is split, as systemd does
      'root',
      'stop nobody [from unit]',
      '',
    ]);
  });
}));
