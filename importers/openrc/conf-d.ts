/**
 * The files OpenRC sources before a service script, in its order (gendepends.sh and openrc-run.sh):
 *   1. conf.d/BASE when the service is `BASE.INSTANCE` (`net.eth0` reads conf.d/net first),
 *   2. conf.d/NAME,
 *   3. /etc/rc.conf (global settings, e.g. `rc_need`).
 * conf.d is the directory `../conf.d` beside the script's own directory (`${RC_SERVICE%/*}/../conf.d`);
 * when that has no file, the host root's /etc/conf.d is tried too (a script named outside --root).
 */
import { dirname, join, resolve } from 'node:path';
import { onDisk } from '../../src/util/host-path.js';
import { isFile } from '../../src/util/fs-probe.js';

export interface SourcedFile {
  /** Path on disk. */
  disk: string;
  kind: 'conf.d' | 'rc.conf';
}

/** Files OpenRC would source before `scriptDisk`, those that exist, in sourcing order. */
export function filesSourcedBefore(root: string, scriptDisk: string, svcName: string): SourcedFile[] {
  // Paths stay as the user spelled them (relative stays relative) so diagnostics name them the same way.
  const besideScript = join(dirname(scriptDisk), '..', 'conf.d');
  const inRoot = onDisk(root, '/etc/conf.d');
  const dirs = resolve(besideScript) === resolve(inRoot) ? [besideScript] : [besideScript, inRoot];
  const find = (name: string): string | undefined => {
    for (const d of dirs) {
      const p = join(d, name);
      if (isFile(p)) return p;
    }
    return undefined;
  };
  const out: SourcedFile[] = [];
  const base = svcName.split('.')[0]!;
  if (base !== '' && base !== svcName) {
    const p = find(base);
    if (p) out.push({ disk: p, kind: 'conf.d' });
  }
  const own = find(svcName);
  if (own) out.push({ disk: own, kind: 'conf.d' });
  const rcConf = onDisk(root, '/etc/rc.conf');
  if (isFile(rcConf)) out.push({ disk: rcConf, kind: 'rc.conf' });
  return out;
}
