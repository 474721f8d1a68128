/**
 * apply and rollback against the real s6-rc tools and a real s6-svscan, all inside a temp dir
 * (--compiled-root and --live point there; the real /etc/s6-rc and /run/s6-rc are never touched).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { quoteExeclineWord } from '../../src/s6rc/execline.js';
import { bundleCli, runCli } from './cli-bundle.js';
import { bundleDef, listing, longrunDef, oneshotDef, removeTemps, tempDir, writeSpec } from './helpers.js';
import { until } from '../support/until.js';
import { startSvscan, stopSvscan } from '../support/svscan.js';
import { describeStacks } from '../support/stacks.js';

// Temp dirs of both stacks are made while collecting: remove them all once, at the end of the file.
afterAll(removeTemps);

describeStacks('apply/rollback with real s6-rc (s6-rc-compile, s6-rc-init, s6-rc-update)', (stack) => {
  /** One of the stack's programs, with the stack first on PATH. */
  const tool = (name: string, args: string[], timeout = 30_000) => spawnSync(stack.tool(name), args, { encoding: 'utf8', timeout, env: stack.env });
  const tmp = tempDir('s6m-apply-real-');
  const scandir = join(tmp, 'scan');
  const root = join(tmp, 'etc-s6-rc');
  const live = join(tmp, 'run-s6-rc');
  const src = join(tmp, 'src');
  const mark = join(tmp, 'mark');
  let cli: string;
  let svscan: ChildProcess | undefined;
  const dbs: string[] = [];

  const s6migrate = (...args: string[]) => runCli(cli, [...args, '--compiled-root', root, '--live', live], { ...stack.env, NO_COLOR: '1' });
  const json = (...args: string[]) => {
    const r = s6migrate(...args, '--json');
    return { code: r.code, report: JSON.parse(r.stdout) as Record<string, any>, stderr: r.stderr };
  };
  const sleeperPid = (): number | undefined => {
    const r = tool('s6-svstat', ['-p', join(live, 'servicedirs', 'sleeper')]);
    const pid = Number(r.stdout.trim());
    return r.status === 0 && pid > 0 ? pid : undefined;
  };
  const currentName = () => readlinkSync(join(root, 'current'));
  const liveDb = () => realpathSync(join(live, 'compiled'));
  const writeSleeper = (seconds: number) => writeFileSync(join(src, 'sleeper', 'run'), `#!/bin/sh\nexec sleep ${seconds}\n`, { mode: 0o755 });

  beforeAll(() => {
    cli = bundleCli();
    mkdirSync(scandir);
    writeSpec(src, {
      // The oneshot's up script is lexed by s6-rc-compile: one quoted argv.
      mark: oneshotDef(`${['/bin/sh', '-c', `echo up >> ${mark}`].map(quoteExeclineWord).join(' ')}\n`),
      sleeper: longrunDef('#!/bin/sh\nexec sleep 1000\n', { 'dependencies.d': { mark: '' } }),
      default: bundleDef('mark', 'sleeper'),
    });
    writeSleeper(1000);
    svscan = startSvscan(scandir, stack);
  });

  afterAll(async () => {
    if (existsSync(live)) tool('s6-rc', ['-l', live, stack.version === '0.6' ? '-Da' : '-da', 'change'], 20_000);
    await stopSvscan(svscan, scandir, stack, 5000);
  });

  it('first apply --dry-run creates nothing', () => {
    const r = s6migrate('apply', src, '--dry-run', '--scandir', scandir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('s6-rc-init -c');
    expect(existsSync(root)).toBe(false);
    expect(existsSync(live)).toBe(false);
  });

  it('first apply: compiles, points current at the new database, prints s6-rc-init, starts nothing', () => {
    const r = s6migrate('apply', src, '--scandir', scandir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`s6-rc-init -c ${join(root, 'current')} -l ${live} ${scandir}`);
    expect(r.stdout).toContain(`s6-rc -l ${live} -u change default`);
    dbs.push(currentName());
    expect(dbs[0]).toMatch(/^compiled-\d{8}T\d{6}\.\d{3}Z-[0-9a-f]{8}$/);
    expect(existsSync(join(root, dbs[0]!, 'db'))).toBe(true);
    expect(existsSync(join(root, 'sources', dbs[0]!, 'sleeper', 'run'))).toBe(true);
    expect(existsSync(live)).toBe(false);
    expect(existsSync(mark)).toBe(false);
  });

  it('the printed commands boot the system', async () => {
    const init = tool('s6-rc-init', ['-c', join(root, 'current'), '-l', live, scandir]);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    const up = tool('s6-rc', ['-l', live, '-u', 'change', 'default']);
    expect(up.status).toBe(0);
    expect(readFileSync(mark, 'utf8')).toBe('up\n');
    await until('sleeper pid', sleeperPid);
  });

  it('apply --dry-run shows the plan and changes nothing under COMPILED_ROOT or LIVE', () => {
    writeSleeper(1001);
    const liveListing = () => listing(tmp, ['lock']).filter((l) => l.startsWith('run-s6-rc'));
    const before = [listing(root), liveListing()];
    const pid = sleeperPid();
    const { code, report } = json('apply', src, '--dry-run');
    expect(code).toBe(0);
    expect(report.outcome).toBe('dry-run');
    expect(report.diff.restart).toEqual(['sleeper']);
    expect(report.preview.code).toBe(0);
    expect(report.preview.output).toContain('sleeper');
    expect([listing(root), liveListing()]).toEqual(before);
    expect(sleeperPid()).toBe(pid);
  });

  it('second apply after a run-only change restarts the longrun through the conversion file', async () => {
    const pid = sleeperPid();
    writeSleeper(1002);
    const { code, report } = json('apply', src);
    expect(code).toBe(0);
    expect(report.outcome).toBe('switched');
    expect(report.diff.restart).toEqual(['sleeper']);
    expect(report.conversion).toContain('"sleeper" restart');
    expect(report.update.code).toBe(0);
    dbs.push(currentName());
    expect(dbs[1]).not.toBe(dbs[0]);
    expect(liveDb()).toBe(realpathSync(join(root, dbs[1]!)));
    expect(existsSync(join(root, dbs[0]!, 'db'))).toBe(true);
    const newPid = await until('a new sleeper pid', () => { const p = sleeperPid(); return p !== undefined && p !== pid && p; });
    expect(newPid).not.toBe(pid);
    expect(readFileSync(join(live, 'servicedirs', 'sleeper', 'run'), 'utf8')).toContain('sleep 1002');
    // The oneshot was not re-run: it did not change and nothing it depends on restarted.
    expect(readFileSync(mark, 'utf8')).toBe('up\n');
  });

  it('an apply with no change switches without restarting anything', async () => {
    const pid = sleeperPid();
    const { code, report } = json('apply', src);
    expect(code).toBe(0);
    expect(report.diff.restart).toEqual([]);
    expect(report.conversion).toBe('');
    dbs.push(currentName());
    expect(liveDb()).toBe(realpathSync(join(root, dbs[2]!)));
    await new Promise((r) => setTimeout(r, 300));
    expect(sleeperPid()).toBe(pid);
  });

  it('rollback returns to the previous database, restarting what differs', async () => {
    const r = s6migrate('rollback');
    expect(r.code).toBe(0);
    expect(currentName()).toBe(dbs[1]);
    expect(liveDb()).toBe(realpathSync(join(root, dbs[1]!)));
    const pid = sleeperPid();
    const again = json('rollback');
    expect(again.code).toBe(0);
    expect(again.report.diff.restart).toEqual(['sleeper']);
    expect(currentName()).toBe(dbs[0]);
    expect(liveDb()).toBe(realpathSync(join(root, dbs[0]!)));
    await until('sleeper restarted on the first database', () => { const p = sleeperPid(); return p !== undefined && p !== pid && p; });
    expect(readFileSync(join(live, 'servicedirs', 'sleeper', 'run'), 'utf8')).toContain('sleep 1000');
    // Nothing older than the first database: a third rollback refuses and changes nothing.
    const before = listing(root);
    expect(s6migrate('rollback').code).toBe(2);
    expect(listing(root)).toEqual(before);
  });

  it('prunes to --keep after a clean switch but never the live database or current', () => {
    writeSleeper(1003);
    const { code, report } = json('apply', src, '--keep', '2');
    expect(code).toBe(0);
    const newest = currentName();
    // dbs[0] was live before this switch (kept? only if among the newest 2); dbs[1] and dbs[2] are older
    // than the new one, so with --keep 2 only dbs[2] and the new one remain.
    expect(report.pruned).toEqual([dbs[0], dbs[1]]);
    expect(existsSync(join(root, dbs[0]!))).toBe(false);
    expect(existsSync(join(root, 'sources', dbs[0]!))).toBe(false);
    expect(existsSync(join(root, dbs[2]!))).toBe(true);
    expect(existsSync(join(root, newest))).toBe(true);
  });

  it('an invalid source tree is refused before anything is compiled', () => {
    const bad = writeSpec(join(tmp, 'bad'), { x: { type: 'daemon\n' } });
    const before = listing(root);
    const r = s6migrate('apply', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('check-unknown-type');
    expect(listing(root)).toEqual(before);
  });

  it('premise: s6-rc-update alone keeps the old process when only run changed; apply then warns about a foreign live database', async () => {
    const pid = sleeperPid();
    writeSleeper(1004);
    const foreign = join(tmp, 'foreign-db');
    expect(tool('s6-rc-compile', [foreign, src]).status).toBe(0);
    const upd = tool('s6-rc-update', ['-l', live, foreign]);
    expect(upd.status).toBe(0);
    expect(liveDb()).toBe(realpathSync(foreign));
    await new Promise((r) => setTimeout(r, 300));
    expect(sleeperPid()).toBe(pid);
    // The live database has no saved sources: apply still switches, and says restarts cannot be computed.
    const r = s6migrate('apply', src);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no saved source tree');
    expect(liveDb()).toBe(realpathSync(join(root, currentName())));
    // Rollback from it goes to the newest database before the live one.
    expect(s6migrate('rollback').code).toBe(0);
  });

  /** A PATH whose s6-rc-update wraps the real one: `-n` passes through, the real run behaves as SCRIPT says. */
  function fakeUpdatePath(script: string): NodeJS.ProcessEnv {
    const bin = join(tempDir('s6m-fake-bin-'));
    writeFileSync(join(bin, 's6-rc-update'), `#!/bin/sh\ncase " $* " in *" -n "*) exec ${stack.tool('s6-rc-update')} "$@";; esac\n${script}\n`, { mode: 0o755 });
    return { ...stack.env, NO_COLOR: '1', PATH: `${bin}:${stack.path}` };
  }

  it('s6-rc-update refusing (exit 4): exit 2, nothing switched, current untouched, the unused database removed', () => {
    writeSleeper(1005);
    const rootBefore = readdirSync(root).sort();
    const currentBefore = currentName();
    const liveBefore = liveDb();
    const r = runCli(cli, ['apply', src, '--compiled-root', root, '--live', live], fakeUpdatePath('exit 4'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('s6-rc-update exit 4: invalid database');
    expect(currentName()).toBe(currentBefore);
    expect(liveDb()).toBe(liveBefore);
    expect(readdirSync(root).sort()).toEqual(rootBefore);
  });

  it('s6-rc-update switching but reporting failed transitions (exit 1): exit 1, current follows, nothing pruned', () => {
    writeSleeper(1006);
    const before = readdirSync(root).filter((n) => n.startsWith('compiled-'));
    const r = runCli(cli, ['apply', src, '--compiled-root', root, '--live', live, '--keep', '1'], fakeUpdatePath(`${stack.tool('s6-rc-update')} "$@" || exit $?\nexit 1`));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('the database was switched anyway');
    expect(liveDb()).toBe(realpathSync(join(root, currentName())));
    expect(before).not.toContain(currentName());
    for (const n of before) expect(existsSync(join(root, n))).toBe(true);
  });
});

describeStacks('apply refused by s6-rc-compile', (stack) => {
  it('exits 2 with the compiler output and leaves no COMPILED_ROOT behind', async () => {
    const { apply } = await import('../../src/apply/index.js');
    const tmp = tempDir();
    // Valid for the validator is a precondition; a tree the compiler rejects is forced by a fake compiler.
    const bin = tempDir('s6m-fake-bin-');
    writeFileSync(join(bin, 's6-rc-compile'), '#!/bin/sh\necho "s6-rc-compile: fatal: simulated" >&2\nexit 1\n', { mode: 0o755 });
    const src = writeSpec(join(tmp, 'src'), { svc: longrunDef('#!/bin/sh\n'), default: bundleDef('svc') });
    const report = await apply(src, { compiledRoot: join(tmp, 'root'), live: join(tmp, 'live'), keep: 3, dryRun: false, pathEnv: `${bin}:${stack.path}` });
    expect(report.exitCode).toBe(2);
    expect(report.messages.join('\n')).toContain('simulated');
    expect(existsSync(join(tmp, 'root'))).toBe(false);
  });
});
