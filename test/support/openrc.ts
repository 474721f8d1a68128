/**
 * Debian's real OpenRC for the OpenRC oracle and execution tests: unpacked by scripts/openrc-unpacked.sh
 * (cached under $S6M_CACHE/openrc, never installed) and run in a private mount and pid namespace where
 * it sees its own files as if installed: overlays put the package's /sbin and /lib (openrc-run, /lib/rc,
 * librc, libeinfo) over the machine's, a fake /etc (rc.conf, insserv.conf, inittab) over /etc, with its
 * init.d, runlevels, conf.d and insserv.conf.d bind-mounted in place of the machine's, and a tmpfs on /run (so /run/openrc starts empty, as on a host OpenRC never booted).
 * Nothing outside the namespace changes; when it ends every process in it is killed (pid namespace).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { missing } from './stacks.js';

const project = resolve(import.meta.dirname, '../..');
const cache = process.env.S6M_CACHE ?? join(project, '.cache');

function unpacked(): string | undefined {
  const given = process.env.S6M_OPENRC;
  if (given && existsSync(join(given, 'sbin/openrc-run'))) return given;
  const r = spawnSync('bash', [join(project, 'scripts/openrc-unpacked.sh'), join(cache, 'openrc')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const root = r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
  return root && existsSync(join(root, 'sbin/openrc-run')) ? root : undefined;
}

export const OPENRC_ROOT = unpacked();
const canUnshare = spawnSync('unshare', ['-m', '-p', '-f', 'true'], { stdio: 'ignore' }).status === 0;
export const OPENRC_SKIP = missing("Debian's openrc package unpacked (scripts/openrc-unpacked.sh) and unshare (root)", OPENRC_ROOT !== undefined && canUnshare);

/** Shell lines that make the namespace look like a host with OpenRC installed, `etc` over /etc. */
function prelude(etc: string): string {
  const o = OPENRC_ROOT!;
  return [
    `mount -t overlay overlay -o lowerdir=${etc}:/etc /etc || exit 90`,
    // The service directories are the fake host's alone, never merged with this machine's.
    `for d in init.d conf.d runlevels insserv.conf.d; do [ -d '${etc}'/$d ] && { mount --bind '${etc}'/$d /etc/$d || exit 90; }; done`,
    `mount -t overlay overlay -o lowerdir=${o}/sbin:/usr/sbin /usr/sbin || exit 90`,
    `mount -t overlay overlay -o lowerdir=${o}/lib:/usr/lib /usr/lib || exit 90`,
    'mount -t tmpfs tmpfs /run || exit 90',
    'export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu',
    '',
  ].join('\n');
}

/**
 * Runs `script` (sh) in the namespace with `etc` over /etc. `--kill-child` and the pid namespace: when
 * the script ends or the test gives up, every process it started dies with it.
 */
export function inOpenrcNamespace(etc: string, script: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', '-p', '-f', '--kill-child', '--mount-proc', 'sh', '-c', prelude(etc) + script], {
    encoding: 'utf8', env, timeout: timeoutMs, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
