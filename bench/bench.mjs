// npm run bench: speed and memory of scan and convert on the real corpus (x1, a typical host of ~190
// init scripts, and x20), each beside systemd-sysv-generator (which does the same first step for
// systemd) and a bare `node -e 0`, measured in the same run. Work happens on tmpfs (/dev/shm) because
// this machine's disk makes metadata-heavy runs noisy. See docs/performance.md.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'dist/s6migrate.cjs');
const probe = join(repo, 'bench/rss-probe.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const shm = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const work = join(shm, `s6migrate-bench-${process.pid}`);
const generator = ['/lib/systemd/system-generators/systemd-sysv-generator', '/usr/lib/systemd/system-generators/systemd-sysv-generator'].find(existsSync);

function corpusDir() {
  const dir = process.env.S6M_CORPUS ?? join(repo, '.cache/corpus');
  if (!existsSync(join(dir, '.complete'))) {
    const r = spawnSync('bash', [join(repo, '../shared/corpus/fetch-corpus.sh'), dir], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('could not fetch the corpus');
    writeFileSync(join(dir, '.complete'), '');
  }
  return dir;
}

/** One host root holding every package's files; `copies` > 1 replicates each service under new names. */
function buildHost(corpus, dest, copies, limitInitScripts = Infinity) {
  const subdirs = ['etc/init.d', 'etc/default', 'etc/conf.d', 'lib/systemd/system'];
  for (const s of subdirs) mkdirSync(join(dest, s), { recursive: true });
  let scripts = 0;
  for (let copy = 0; copy < copies; copy++) {
    const suffix = copy === 0 ? '' : `-r${copy}`;
    for (const pkg of readdirSync(corpus).sort()) {
      if (pkg.startsWith('.')) continue;
      for (const s of subdirs) {
        const from = join(corpus, pkg, s);
        if (!existsSync(from)) continue;
        for (const f of readdirSync(from).sort()) {
          const src = join(from, f);
          if (!statSync(src).isFile()) continue;
          if (s === 'etc/init.d') {
            if (scripts >= limitInitScripts) continue;
            scripts++;
          }
          const name = s === 'lib/systemd/system' ? f.replace(/(@?)(\.[a-z]+)$/, `${suffix}$1$2`) : f + suffix;
          const to = join(dest, s, name);
          if (!existsSync(to)) cpSync(src, to);
        }
      }
    }
  }
  return scripts;
}

function countFiles(root) {
  let n = 0;
  for (const s of ['etc/init.d', 'etc/default', 'etc/conf.d', 'lib/systemd/system']) {
    const d = join(root, s);
    if (existsSync(d)) n += readdirSync(d).length;
  }
  return n;
}

/** Median wall time (ms) and peak RSS (KiB) over `runs` runs of a command. */
function measure(argv, env = {}, before = () => {}) {
  const times = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    before();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const m = /@@maxrss_kib=(\d+)/.exec(r.stderr ?? '');
    if (m) rss = Math.max(rss, Number(m[1]));
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], rssKib: rss };
}

const node = (args) => [process.execPath, '-r', probe, cli, ...args];
const fmt = (n, d = 1) => n.toFixed(d);

function main() {
  if (!existsSync(cli)) throw new Error('dist/s6migrate.cjs missing: run npm run build');
  const corpus = corpusDir();
  rmSync(work, { recursive: true, force: true });
  const hosts = [
    ['corpus x1', 1, Infinity],
    ['typical host (~190 scripts)', 3, 190],
    ['corpus x20', 20, Infinity],
  ].map(([label, copies, limit]) => {
    const root = join(work, label.replace(/\W+/g, '_'));
    const scripts = buildHost(corpus, root, copies, limit);
    return { label, root, scripts, files: countFiles(root) };
  });

  const bare = measure([process.execPath, '-e', '0']);
  const help = measure(node(['--help']));
  console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${runs} runs each (median), work dir ${work}`);
  console.log(`node -e 0: ${fmt(bare.ms)} ms; s6migrate --help: ${fmt(help.ms)} ms (+${fmt(help.ms - bare.ms)} ms over bare node; target <= 20 ms)`);
  console.log('');
  console.log('| host | init scripts | files | step | wall ms | over node -e 0 | files/s | peak MiB | sysv-generator ms | ratio (generator/ours) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const h of hosts) {
    const out = join(work, 'out');
    let gen;
    if (generator) {
      const genOut = join(work, 'gen-out');
      const empty = join(work, 'empty');
      mkdirSync(empty, { recursive: true });
      gen = measure([generator, genOut, genOut, genOut], {
        SYSTEMD_SYSVINIT_PATH: join(h.root, 'etc/init.d'),
        SYSTEMD_SYSVRCND_PATH: empty,
        SYSTEMD_UNIT_PATH: empty + ':',
        SYSTEMD_LOG_LEVEL: 'err',
      }, () => rmSync(genOut, { recursive: true, force: true }));
    }
    for (const step of ['scan', 'convert']) {
      const args = step === 'scan' ? ['scan', '--root', h.root, '--json'] : ['convert', '--root', h.root, '--out', out, '--force'];
      const r = measure(node(args), {}, () => rmSync(out, { recursive: true, force: true }));
      const genCells = gen && step === 'convert' ? [fmt(gen.ms), fmt(gen.ms / r.ms, 2) + 'x'] : ['', ''];
      console.log(`| ${h.label} | ${h.scripts} | ${h.files} | ${step} | ${fmt(r.ms)} | +${fmt(r.ms - bare.ms)} | ${Math.round(h.files / (r.ms / 1000))} | ${fmt(r.rssKib / 1024)} | ${genCells.join(' | ')} |`);
    }
  }
  if (!generator) console.log('\nsystemd-sysv-generator not found (Debian package `systemd`): generator columns left empty.');
  console.log('\ntargets: convert of ~190 scripts within 40 ms of node -e 0; x20 convert >= 2x faster than the generator; peak < 120 MiB; --help within 20 ms of node -e 0.');
  rmSync(work, { recursive: true, force: true });
}

main();
