/**
 * Small builders for hand-made model objects in pass and emitter tests. A service is a unit unless it says
 * otherwise: units pull in what they require (systemd.unit(5)), while an LSB header only orders.
 */
import type { DepKind, DepRef, HostFacts, ImportResult, Service, SourceFormat } from '../../src/model/service.js';
import { emptyRunFacts } from '../../src/model/service.js';

export interface ServiceSpec {
  format?: SourceFormat;
  provides?: string[];
  startIn?: string[];
  deps?: DepRef[];
  wrapper?: Service['wrapper'] | null;
  run?: Partial<Service['run']>;
  unitType?: 'service' | 'target';
}

export function svc(name: string, spec: ServiceSpec = {}): Service {
  const format = spec.format ?? 'systemd';
  const file = format === 'systemd' ? `/lib/systemd/system/${name}.${spec.unitType ?? 'service'}` : `/etc/init.d/${name}`;
  const source =
    format === 'systemd'
      ? { format, file, systemPath: file, unit: `${name}.${spec.unitType ?? 'service'}`, unitType: spec.unitType ?? 'service', dropIns: [],
          execStart: [], execStartPre: [], execStartPost: [], execStop: [], execStopPost: [], execReload: [], remainAfterExit: false, directives: {} }
      : format === 'openrc'
        ? { format, file, systemPath: file, vars: {}, functions: [], keywords: [] }
        : { format, file, systemPath: file, hasLsbHeader: true, interactive: false, ssdStarts: [] };
  const wrapper =
    spec.wrapper === null ? undefined : spec.wrapper ?? { kind: 'oneshot' as const, up: [[file, 'start']], down: [[file, 'stop']] };
  const s: Service = {
    name,
    format,
    provides: spec.provides ?? [],
    deps: spec.deps ?? [],
    startIn: spec.startIn ?? [],
    run: { ...emptyRunFacts(), ...spec.run },
    sources: [source as Service['sources'][number]],
    findings: [],
  };
  if (wrapper) s.wrapper = wrapper;
  return s;
}

let line = 0;
/** Origins get increasing line numbers; reset to build the same input twice. */
export function resetLines(): void {
  line = 0;
}
export function dep(kind: DepKind, target: string, opts: { facility?: boolean; phase?: 'start' | 'stop'; file?: string } = {}): DepRef {
  const d: DepRef = { kind, target, facility: opts.facility ?? false, origin: { file: opts.file ?? '/etc/init.d/x', line: ++line } };
  if (opts.phase) d.phase = opts.phase;
  return d;
}

export function host(partial: Partial<HostFacts> = {}): HostFacts {
  return { facilityMembers: {}, ...partial };
}

export function result(services: Service[], h: HostFacts = host()): ImportResult {
  return { services, host: h, diagnostics: [] };
}
