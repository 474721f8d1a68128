/**
 * The single-file build on the Node a Debian 12 server has: a debootstrapped bookworm with Debian's own
 * `nodejs` (18.20.4 today; no npm) and real daemons installed by apt (openssh-server, cron: init scripts,
 * units, rcN.d and .wants links as their maintainer scripts made them), built and cached by
 * scripts/node-root.sh. Only the built s6migrate.cjs is put in (/opt); every command runs chrooted in
 * private mount, pid and network namespaces under the root's /usr/bin/node. The cached root is mounted
 * read-only there, with this run's own directories bound over /etc/s6-rc, /opt and /tmp: nothing a run
 * does reaches the cache. The judge for what it writes is the same build run by this machine's Node 20 on
 * the same root from outside (`--root`): the trees must be byte for byte the same. Debian 11's root, with
 * its nodejs 12, shows what an older Node gets.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashTree } from '../e2e/hash-tree.js';
import { STACKS } from '../support/stacks.js';

const run = promisify(execFile);
const stack05 = STACKS.find((s) => s.version === '0.5');

const repo = resolve(__dirname, '../..');
const cache = process.env.S6M_CACHE ?? join(repo, '.cache');
const canRun = process.getuid?.() === 0 && spawnSync('debootstrap', ['--version']).status === 0;
// In CI a missing tool fails the run instead of skipping (README).
const suite = canRun || process.env.CI ? describe : describe.skip;

let work: string;
let root: string;
let bundle: string;
/** Debian 11's root, with its nodejs 12. */
let oldRoot: string;
/** The root's /etc/s6-rc/source, as seen from outside. */
let src: string;

/**
 * Runs the bundle (or any command with `raw`) chrooted in the root (or `root`), offline, under the root's
 * node. `s6rc`: the s6-rc 0.5 stack (built against the Debian s6 and execline the root has) bound on
 * /usr/local/bin; without it the host has no s6-rc, as a Debian host has none.
 */
function inRoot(args: string[], o: { raw?: boolean; root?: string; s6rc?: boolean } = {}) {
  const cmd = o.raw ? args : ['/usr/bin/node', '/opt/s6migrate.cjs', ...args];
  const stack = o.s6rc ? `mount --bind ${JSON.stringify(stack05!.bin)} "$0/usr/local/bin" && ` : '';
  const r = spawnSync(
    'unshare',
    [
      // --kill-child: a run that times out takes the namespace's processes with it.
      '--mount', '--pid', '--net', '--fork', '--kill-child', '/bin/sh', '-c',
      'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && mount -t proc proc "$0/proc" && ' +
        'mount --bind "$1/s6-rc" "$0/etc/s6-rc" && mount --bind "$1/opt" "$0/opt" && mount -t tmpfs tmpfs "$0/tmp" && ' +
        stack +
        'shift && exec chroot "$0" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C "$@"',
      o.root ?? root, work, ...cmd,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A tree's files and hashes; the model keeps the paths it read and the --root it was given, which differ. */
function treeOf(dir: string, root?: string) {
  const { ['.s6migrate/model.json']: _model, ...rest } = hashTree(dir);
  let text = readFileSync(join(dir, '.s6migrate/model.json'), 'utf8');
  if (root) text = text.split(JSON.stringify(root)).join('"/"').split(`${root}/`).join('/');
  const model = JSON.parse(text) as { host: { root?: string } };
  delete model.host.root;
  return { rest, model };
}

/** The same build, run by this machine's Node on the root from outside. */
function outside(args: string[]) {
  const r = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

suite("Debian 12's nodejs runs the single-file build", () => {
  beforeAll(async () => {
    const t0 = Date.now();
    // First run: debootstrap and apt-get (about 2 min for both); then the cached directories. Not
    // execFileSync: a worker blocked that long misses vitest's RPC deadline ("Timeout calling onTaskUpdate").
    const nodeRoot = async (suite: string) =>
      (await run('bash', [join(repo, 'scripts/node-root.sh'), suite], { encoding: 'utf8', env: { ...process.env, S6M_CACHE: cache } })).stdout
        .trim()
        .split('\n')
        .pop()!;
    root = await nodeRoot('bookworm');
    oldRoot = await nodeRoot('bullseye');
    work = mkdtempSync(join(tmpdir(), 's6m-node18-'));
    // A build of its own: the single-file test rebuilds dist/ in parallel.
    bundle = join(work, 's6migrate.cjs');
    execFileSync('node', ['scripts/build.mjs'], { cwd: repo, env: { ...process.env, S6M_BUILD_OUT: bundle }, stdio: 'ignore' });
    mkdirSync(join(work, 's6-rc'));
    mkdirSync(join(work, 'opt'));
    copyFileSync(bundle, join(work, 'opt/s6migrate.cjs'));
    src = join(work, 's6-rc/source');
    console.log(`debian-node: root ready in ${Date.now() - t0} ms`);
  }, 900_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("runs under the root's own Node 18, with no npm and nothing beside the one file", () => {
    const v = inRoot(['/usr/bin/node', '--version'], { raw: true });
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^v18\.\d+\.\d+\n$/);
    expect(inRoot(['sh', '-c', 'command -v npm'], { raw: true }).status).not.toBe(0);
    expect(readdirSync(join(work, 'opt'))).toEqual(['s6migrate.cjs']);
    // The cached root cannot be written.
    expect(inRoot(['sh', '-c', 'touch /etc/s6m-probe'], { raw: true }).status).not.toBe(0);
    const help = inRoot(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^\s+convert\b/m);
  });

  it("on Debian 11's nodejs 12 the build says so in one line, exit 2: nothing past the prologue is parsed", () => {
    const v = inRoot(['/usr/bin/node', '--version'], { raw: true, root: oldRoot });
    expect(v.stdout).toMatch(/^v12\.\d+\.\d+\n$/);
    for (const args of [['--help'], ['scan']]) {
      const r = inRoot(args, { root: oldRoot });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`s6migrate: Node ${v.stdout.trim().slice(1)} is too old: s6migrate needs Node 18.19 or later (Debian 12: apt install nodejs)\n`);
    }
    // Why the front hides in a comment: the same code in the open does not even parse on Node 12.
    const text = readFileSync(bundle, 'latin1');
    const start = text.indexOf('\n/*s6migrate-front\n') + 19;
    const front = text.slice(start, text.indexOf('\n*/', start)).replace(/%2A\//g, '*/').replace(/%25/g, '%');
    writeFileSync(join(work, 's6-rc/front-in-the-open.cjs'), front);
    // It is valid JavaScript for the Node that built it.
    expect(spawnSync(process.execPath, ['--check', join(work, 's6-rc/front-in-the-open.cjs')]).status).toBe(0);
    const open = inRoot(['/usr/bin/node', '/etc/s6-rc/front-in-the-open.cjs', '--help'], { raw: true, root: oldRoot });
    rmSync(join(work, 's6-rc/front-in-the-open.cjs'));
    expect(open.status).toBe(1);
    expect(open.stderr).toMatch(/SyntaxError/);
  });

  it('scan reads the installed daemons as Debian left them', () => {
    const r = inRoot(['scan', '--json']);
    expect([0, 1], r.stderr).toContain(r.status);
    expect(r.stderr).not.toMatch(/internal error|TypeError|SyntaxError/);
    const inside = JSON.parse(r.stdout) as { services: { name: string; format: string; startIn: string[] }[] };
    const names = inside.services.map((s) => s.name);
    for (const n of ['ssh', 'cron']) expect(names).toContain(n);
    // The judge: the rcN.d links update-rc.d made when apt installed them.
    for (const n of ['ssh', 'cron']) {
      const levels = ['2', '3', '4', '5'].filter((l) => readdirSync(join(root, `etc/rc${l}.d`)).some((f) => new RegExp(`^S\\d\\d${n}$`).test(f)));
      expect(levels.length).toBeGreaterThan(0);
      expect(inside.services.find((s) => s.name === n)!.startIn.sort()).toEqual(levels.map((l) => `runlevel-${l}`).sort());
    }
    // Node 20 from outside reads the same services the same way.
    const out = outside(['scan', '--json', '--root', root]);
    const outsideServices = (JSON.parse(out.stdout) as typeof inside).services;
    expect(outsideServices.map((s) => [s.name, s.format, s.startIn])).toEqual(inside.services.map((s) => [s.name, s.format, s.startIn]));
  });

  it('convert, upgrade --yes and check on the root itself write what Node 20 writes', () => {
    const c = inRoot(['convert', '--out', '/etc/s6-rc/source']);
    expect([0, 1], c.stderr).toContain(c.status);
    expect(c.stderr).not.toMatch(/internal error|TypeError|SyntaxError/);
    expect(readFileSync(join(src, 'ssh/type'), 'utf8')).toBe('oneshot\n');
    const judge = join(work, 'node20-source');
    expect([0, 1]).toContain(outside(['convert', '--root', root, '--out', judge]).status);
    expect(treeOf(src)).toEqual(treeOf(judge, root));

    const u = inRoot(['upgrade', 'ssh', '--in', '/etc/s6-rc/source', '--yes']);
    expect(u.status, u.stderr + u.stdout).toBe(0);
    // A supervised longrun with its s6-log pipeline, in place of the oneshot wrapper.
    expect(readFileSync(join(src, 'ssh-srv/type'), 'utf8')).toBe('longrun\n');
    expect(lstatSync(join(src, 'ssh-srv/run')).isFile()).toBe(true);
    expect(readFileSync(join(src, 'ssh-log/type'), 'utf8')).toBe('longrun\n');
    expect(existsSync(join(src, 'ssh'))).toBe(false);
    expect(outside(['upgrade', 'ssh', '--in', judge, '--yes']).status).toBe(0);
    expect(treeOf(src)).toEqual(treeOf(judge, root));

    const k = inRoot(['check', '/etc/s6-rc/source']);
    expect(k.status, k.stderr + k.stdout).toBe(0);
    expect(outside(['check', judge]).status).toBe(0);
  });

  it('with no s6 on the host, apply and check --compile say what to install, in one line, exit 2', () => {
    expect(inRoot(['sh', '-c', 'command -v s6-rc-compile'], { raw: true }).status).not.toBe(0);
    for (const args of [['apply', '/etc/s6-rc/source', '--dry-run'], ['check', '--compile', '/etc/s6-rc/source']]) {
      const r = inRoot(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/s6-rc-compile.*install s6-rc|install s6-rc.*s6-rc-compile/);
    }
    expect(readdirSync(join(work, 's6-rc'))).toEqual(['source']);
  });

  it("with s6-rc: check --compile passes and apply compiles and points current at the database s6-rc-db reads", () => {
    const before = hashTree(join(work, 's6-rc'));
    const dry = inRoot(['apply', '/etc/s6-rc/source', '--dry-run'], { s6rc: true });
    expect(dry.status, dry.stderr + dry.stdout).toBe(0);
    expect(hashTree(join(work, 's6-rc'))).toEqual(before);
    const k = inRoot(['check', '--compile', '/etc/s6-rc/source'], { s6rc: true });
    expect(k.status, k.stderr + k.stdout).toBe(0);
    const a = inRoot(['apply', '/etc/s6-rc/source'], { s6rc: true });
    expect(a.status, a.stderr + a.stdout).toBe(0);
    expect(a.stdout + a.stderr).toMatch(/s6-rc-init/);
    // The judge: s6-rc's own reader of the compiled database.
    const db = inRoot(['s6-rc-db', '-c', '/etc/s6-rc/current', 'list', 'all'], { raw: true, s6rc: true });
    expect(db.status, db.stderr).toBe(0);
    for (const n of ['ssh-srv', 'ssh-log', 'cron', 'default']) expect(db.stdout.split('\n')).toContain(n);
    expect(inRoot(['s6-rc-db', '-c', '/etc/s6-rc/current', 'type', 'ssh-srv'], { raw: true, s6rc: true }).stdout).toBe('longrun\n');
  });

  it('a broken tree is reported the same way under Node 18: exit 1 naming the file, no stack trace', () => {
    expect(existsSync(join(src, 'cron/type'))).toBe(true);
    writeFileSync(join(src, 'cron/type'), 'bogus\n');
    const k = inRoot(['check', '/etc/s6-rc/source']);
    expect(k.status).toBe(1);
    expect(k.stdout + k.stderr).toMatch(/cron\/type/);
    expect(k.stderr).not.toMatch(/\n\s+at /);
  });
});
