/**
 * The OpenRC state oneshot (issue 11). An OpenRC wrapper runs `/etc/init.d/NAME --nodeps start`, and
 * `openrc-run` refuses on a host OpenRC did not boot: it keeps each service's state under /run/openrc
 * (RC_SVCDIR) and, with those directories missing, says the service is "already starting" and exits 1.
 * OpenRC's own boot makes that state before any service starts: init.sh creates /run/openrc and writes
 * `softlevel`; librc (rc_deptree_update_needed() in 0.45, Debian bookworm's) creates the state
 * directories with mode 0755. This oneshot does exactly that, nothing more, and every OpenRC wrapper
 * depends on it. It leaves an existing `softlevel` alone, so on a host OpenRC did boot it changes nothing.
 */
import type { DepRef, Service } from '../model/service.js';
import { emptyRunFacts } from '../model/service.js';

export const OPENRC_STATE_SERVICE = 'openrc-state';

/** RC_SVCDIR of OpenRC on Linux (Debian, Alpine, Gentoo): openrc-run(8), init.sh. */
export const OPENRC_SVCDIR = '/run/openrc';

/** The directories librc creates under RC_SVCDIR (librc-depend.c depdirs[], OpenRC 0.45). */
export const OPENRC_STATE_DIRS = ['starting', 'started', 'stopping', 'inactive', 'wasinactive', 'failed', 'hotplugged', 'daemons', 'options', 'exclusive', 'scheduled', 'tmp'] as const;

/** The runlevel written to `softlevel`: the one s6-rc's `default` stands for. */
const SOFTLEVEL = 'default';

function runsOpenrcScript(s: Service): boolean {
  return s.format === 'openrc' && s.wrapper?.kind === 'oneshot' && s.wrapper.up.some((argv) => argv.includes('--nodeps'));
}

export function addOpenrcState(services: readonly Service[]): Service[] {
  const users = services.filter(runsOpenrcScript);
  if (users.length === 0 || services.some((s) => s.name === OPENRC_STATE_SERVICE)) return [...services];
  const origin = { file: users[0]!.sources[0]?.file ?? OPENRC_STATE_SERVICE };
  const state: Service = {
    name: OPENRC_STATE_SERVICE,
    format: 'openrc',
    description: `the state openrc-run needs under ${OPENRC_SVCDIR}, as OpenRC makes it at boot`,
    provides: [],
    deps: [],
    startIn: [],
    wrapper: {
      kind: 'oneshot',
      up: [
        ['/bin/mkdir', '-p', '-m', '0755', OPENRC_SVCDIR, ...OPENRC_STATE_DIRS.map((d) => `${OPENRC_SVCDIR}/${d}`)],
        ['/bin/sh', '-c', `test -e ${OPENRC_SVCDIR}/softlevel || echo ${SOFTLEVEL} > ${OPENRC_SVCDIR}/softlevel`],
      ],
      down: [],
    },
    run: emptyRunFacts(),
    sources: [],
    findings: [],
    enabled: { value: true, why: `made by the conversion: every OpenRC wrapper depends on it` },
  };
  const need = (s: Service): DepRef => ({ kind: 'requires', target: OPENRC_STATE_SERVICE, facility: false, origin: { file: s.sources[0]?.file ?? origin.file } });
  return [...services.map((s) => (runsOpenrcScript(s) ? { ...s, deps: [...s.deps, need(s)] } : s)), state];
}
