import { afterAll, describe, expect, it } from 'vitest';
import { EVERY_SERVICE } from '../../../src/model/facilities.js';
import { cleanupRoots, codes, importScript, SHEBANG } from './helpers.js';
import type { DepRef } from '../../../src/model/service.js';

afterAll(cleanupRoots);

const dep = (body: string, opts: Parameters<typeof importScript>[1] = {}) =>
  importScript(`${SHEBANG}command=/bin/d\n\ndepend() {\n${body}\n}\n`, opts);

const short = (deps: DepRef[]) => deps.map((d) => `${d.kind} ${d.facility ? '@' : ''}${d.target}`);

describe('depend()', () => {
  it('need -> requires, with the line of the call', () => {
    const { service, file } = dep('\tneed sshd');
    expect(service.deps).toEqual([{ kind: 'requires', target: 'sshd', facility: false, origin: { file, line: 5 } }]);
  });

  it('use and want -> wants', () => {
    expect(short(dep('\tuse a\n\twant b').service.deps)).toEqual(['wants a', 'wants b']);
  });

  it('after and before only order', () => {
    expect(short(dep('\tafter a\n\tbefore b').service.deps)).toEqual(['after a', 'before b']);
  });

  it('several words per call, and the same verb repeated', () => {
    expect(short(dep('\tneed a b\n\tneed c').service.deps)).toEqual(['requires a', 'requires b', 'requires c']);
  });

  it('OpenRC virtual names become canonical facilities', () => {
    const { service } = dep('\tneed net localmount\n\tuse logger dns clock\n\tafter firewall netmount');
    expect(short(service.deps)).toEqual([
      'requires @network', 'requires @local-fs', 'wants @syslog', 'wants @named', 'wants @time', 'after @firewall', 'after @remote-fs',
    ]);
  });

  it('provide fills provides', () => {
    expect(dep('\tprovide mta smtp').service.provides).toEqual(['mta', 'smtp']);
  });

  it('keyword -stop and -shutdown are findings; all keywords are kept', () => {
    const { service, evidence } = dep('\tkeyword -stop -shutdown -lxc');
    expect(evidence.keywords).toEqual(['-stop', '-shutdown', '-lxc']);
    expect(codes(service).filter((c) => c === 'openrc-keyword-stop')).toHaveLength(2);
  });

  it('keyword -containers stands for every Linux container keyword', () => {
    expect(dep('\tkeyword -containers').evidence.keywords).toContain('-docker');
  });

  it('config is a finding, not a dependency', () => {
    const { service } = dep('\tconfig /etc/d.conf');
    expect(service.deps).toEqual([]);
    expect(service.findings.find((f) => f.code === 'openrc-depend-config')!.message).toContain('/etc/d.conf');
  });

  it('after * and before * order against every other service; * elsewhere gives a finding and no dependency', () => {
    const { service } = dep('\tafter *\n\tbefore * sshd\n\tneed *');
    expect(short(service.deps)).toEqual([`after ${EVERY_SERVICE}`, `before ${EVERY_SERVICE}`, 'before sshd']);
    expect(codes(service).filter((c) => c === 'openrc-wildcard-order')).toHaveLength(1);
  });

  it('dependencies under if / case / && are taken, with a finding each', () => {
    const { service } = dep('\tif [ -e /x ]; then\n\t\tneed a\n\tfi\n\tcase "$x" in\n\t\ty) use b ;;\n\tesac\n\t[ -e /z ] && after c\n\tneed d');
    expect(short(service.deps)).toEqual(['requires a', 'wants b', 'after c', 'requires d']);
    const lines = service.findings.filter((f) => f.code === 'openrc-conditional-depend').map((f) => f.origin.line);
    expect(lines).toEqual([6, 9, 11]);
  });

  it('depend() on one line, and with the brace on the next line', () => {
    const a = importScript(`${SHEBANG}depend() { need a; use b; }\n`);
    expect(short(a.service.deps)).toEqual(['requires a', 'wants b']);
    const b = importScript(`${SHEBANG}depend()\n{\n\tafter c\n}\n`);
    expect(short(b.service.deps)).toEqual(['after c']);
  });

  it('words use variables from conf.d and the script', () => {
    const { service } = dep('\tneed ${backend} net.${IFACE:-eth0}', { confd: 'backend=postgresql\n' });
    expect(short(service.deps)).toEqual(['requires postgresql', 'requires net.eth0']);
  });

  it('dependency words in other functions are not dependencies', () => {
    const { service } = importScript(`${SHEBANG}start() {\n\tneed x\n}\n`);
    expect(service.deps).toEqual([]);
  });

  it('rc_need / rc_use from conf.d add dependencies (rc-functions.sh _depend)', () => {
    const { service } = dep('\tneed a', { confd: 'rc_need="b"\nrc_use="logger"\n' });
    expect(short(service.deps)).toEqual(['requires a', 'requires b', 'wants @syslog']);
    expect(codes(service)).toContain('openrc-user-depend');
  });
});
