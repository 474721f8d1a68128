// Hand-built model services for the upgrade tests (the importers fill the same shapes).
import { definition, newTree, type S6Tree } from '../../src/s6rc/tree.js';
import { emptyState } from '../../src/state/state.js';
import type { Workspace } from '../../src/upgrade/upgrade.js';
import { emptyRunFacts, type Evidence, type OpenrcEvidence, type Service, type SsdCall, type SystemdEvidence, type SysvEvidence } from '../../src/model/service.js';

const o = (file: string, line = 1) => ({ file, line });

export function service(name: string, sources: Evidence[], extra: Partial<Service> = {}): Service {
  return {
    name,
    format: sources[0]?.format ?? 'sysv',
    provides: [],
    deps: [],
    startIn: [],
    wrapper: { kind: 'oneshot', up: [[`/etc/init.d/${name}`, 'start']], down: [[`/etc/init.d/${name}`, 'stop']] },
    run: emptyRunFacts(),
    sources,
    findings: [],
    ...extra,
  };
}

export function openrc(name: string, vars: Record<string, string>): OpenrcEvidence {
  const file = `/etc/init.d/${name}`;
  return {
    format: 'openrc', file, systemPath: file, functions: [], keywords: [],
    vars: Object.fromEntries(Object.entries(vars).map(([k, v], i) => [k, { value: v, origin: o(file, i + 2) }])),
  };
}

export function ssd(call: Partial<SsdCall>): SsdCall {
  return { origin: o('/etc/init.d/x', 10), background: false, makePidfile: false, args: [], unresolved: false, ...call };
}

export function sysv(name: string, calls: SsdCall[]): SysvEvidence {
  const file = `/etc/init.d/${name}`;
  return { format: 'sysv', file, systemPath: file, hasLsbHeader: true, interactive: false, ssdStarts: calls };
}

export function unit(name: string, type: SystemdEvidence['serviceType'], argv: string[] | undefined, prefixes: string[] = []): SystemdEvidence {
  const file = `/lib/systemd/system/${name}.service`;
  return {
    format: 'systemd', file, systemPath: file, unit: `${name}.service`, unitType: 'service', dropIns: [],
    serviceType: type, execStart: argv ? [{ argv, prefixes, origin: o(file, 7) }] : [],
    execStartPre: [], execStartPost: [], execStop: [], execStopPost: [], execReload: [],
    remainAfterExit: false, directives: {},
  };
}

/** The first conversion of `services` as the tests need it: one init-script oneshot each, all in runlevel-2. */
export function wrapperTree(services: readonly Service[]): S6Tree {
  const tree = newTree();
  const rl = definition('runlevel-2', 'bundle');
  for (const s of services) {
    const d = definition(s.name, 'oneshot');
    d.files['up'] = { content: `"/etc/init.d/${s.name}" "start"\n` };
    d.files['down'] = { content: `"/etc/init.d/${s.name}" "stop"\n` };
    tree.definitions.set(s.name, d);
    rl.contents.push(s.name);
  }
  tree.definitions.set('runlevel-2', rl);
  return tree;
}

/** A workspace holding one service as the first conversion's oneshot wrapper, ready for upgrade. */
export function oneshotWorkspace(s: Service): Workspace {
  const tree = newTree();
  const d = definition(s.name, 'oneshot');
  d.files['up'] = { content: 'true\n' };
  tree.definitions.set(s.name, d);
  return { tree, model: { version: 1, services: [s], host: { facilityMembers: {} } }, state: emptyState() };
}
