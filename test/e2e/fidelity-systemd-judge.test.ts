/**
 * The systemd side of the differential harness (test/support/fidelity/systemd-judge.ts): its unit,
 * quoting and EnvironmentFile= readers against systemd.syntax(7)/systemd.exec(5) examples, and a unit
 * started for real in the sandbox, the recorder reporting the state systemd.exec(5) says it gets.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalize } from '../support/fidelity/compare.js';
import { buildRecorder, runSandbox } from '../support/fidelity/sandbox.js';
import { parseEnvFile, parseUnit, readAccounts, splitQuoted, unitStartScript } from '../support/fidelity/systemd-judge.js';
import { missing } from '../support/stacks.js';

describe('reading units as systemd does', () => {
  it('sections, comments, continuation lines, repeats and an empty assignment resetting the list', () => {
    const u = parseUnit('[Service]\n# c\n; c\nEnvironment=A=1\nEnvironment=B=2 \\\n  C=3\nExecStartPre=/bin/a\nExecStartPre=\nExecStartPre=/bin/b\n');
    // The backslash becomes a space (systemd.syntax(7)).
    expect(u.get('Service')?.get('Environment')).toEqual(['A=1', 'B=2  C=3']);
    expect(u.get('Service')?.get('ExecStartPre')).toEqual(['/bin/b']);
  });
  it('quoting: double and single quotes, C escapes, words glued to quotes', () => {
    expect(splitQuoted(`/bin/d "a b" 'c d' e\\ f "x\\"y" pre"fix"`)).toEqual(['/bin/d', 'a b', 'c d', 'e f', 'x"y', 'prefix']);
    expect(splitQuoted('"VAR1=word1 word2" VAR2=word3 "VAR3=$word 5 6"')).toEqual(['VAR1=word1 word2', 'VAR2=word3', 'VAR3=$word 5 6']);
  });
  it('EnvironmentFile=: comments, quotes, continuation', () => {
    expect(parseEnvFile('# c\n; c\nA=1\nB="two words"\nC=\'single $x\'\nD=a\\\nb\n  E = spaced\nnot a line\n')).toEqual([
      ['A', '1'], ['B', 'two words'], ['C', 'single $x'], ['D', 'ab'], ['E', 'spaced'],
    ]);
  });
});

const noRoot = missing('root (unshare, mount, chroot)', process.getuid?.() === 0);
const noTools = missing('gcc, unshare, setpriv, prlimit', spawnSync('sh', ['-c', 'command -v gcc && command -v unshare && command -v setpriv && command -v prlimit'], { stdio: 'ignore' }).status === 0);

describe.skipIf(noRoot !== '' || noTools !== '')(`a unit started in the sandbox${noRoot}${noTools}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-sdjudge-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gets the user, groups, environment, directory, umask, limits, nice and directories systemd.exec(5) describes', () => {
    const layer = join(work, 'layer');
    mkdirSync(join(layer, 'etc/default'), { recursive: true });
    writeFileSync(join(layer, 'etc/default/food'), 'FROM_FILE="x y"\nA=overridden\n');
    const passwd = ['food:x:901:901::/var/lib/food:/usr/sbin/nologin'];
    const group = ['food:x:901:', 'fgrp:x:902:', 'extra:x:903:food'];
    const unit = [
      '[Service]',
      'User=food',
      'Group=fgrp',
      'SupplementaryGroups=adm',
      'Environment=A=1 "B=two words" U=%u N=%N',
      'EnvironmentFile=/etc/default/food',
      'EnvironmentFile=-/etc/default/missing',
      'WorkingDirectory=/tmp',
      'UMask=0027',
      'LimitNOFILE=100:200',
      'Nice=5',
      'RuntimeDirectory=food',
      'RuntimeDirectoryMode=0750',
      'ExecStart=/usr/sbin/food -x $A ${B} $FROM_FILE',
    ].join('\n');
    const started = unitStartScript('food.service', unit, layer, readAccounts(passwd, group));
    if ('why' in started) throw new Error(started.why);
    const run = runSandbox({
      pkgroot: layer, passwd, group, recorder: buildRecorder(), programs: ['/usr/sbin/food'], mode: 'exit', kind: 'script',
      cmd: '/bin/sh /.s6m-svc/systemd-start', env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], files: { '.s6m-svc/systemd-start': { content: started.script } },
    }, join(work, 'run'));
    expect(run.records, run.log).toHaveLength(1);
    const r = normalize(run.records[0]);
    // EnvironmentFile= overrides Environment= (A); $A splits into words, ${B} stays one word.
    expect(r.argv).toEqual(['/usr/sbin/food', '-x', 'overridden', 'two words', 'x', 'y']);
    expect([r.uid, r.euid, r.gid, r.egid]).toEqual([901, 901, 902, 902]);
    // Group= is the primary group; initgroups() of User= (extra) and SupplementaryGroups= (adm, 4).
    expect(r.groups).toEqual([4, 902, 903]);
    expect(r.env).toEqual(['A=overridden', 'B=two words', 'FROM_FILE=x y', 'HOME=/var/lib/food', 'LOGNAME=food', 'N=food', 'RUNTIME_DIRECTORY=/run/food', 'SHELL=/usr/sbin/nologin', 'U=food', 'USER=food']);
    expect([r.cwd, r.umask, r.nice]).toEqual(['/tmp', '0027', 5]);
    expect(r.limits['nofile']).toEqual([100, 200]);
    expect(r.files.find((f) => f.path === '/run/food')).toEqual({ path: '/run/food', type: 'dir', uid: 901, gid: 902, mode: '0750' });
  });
});
