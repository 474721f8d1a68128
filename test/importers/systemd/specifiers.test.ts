import { describe, expect, it } from 'vitest';
import { expandSpecifiers, parseUnitName, unescapePath, unescapeUnitPart } from '../../../importers/systemd/specifiers.js';

const host = { hostname: 'box.example.org', machineId: 'abc123', osId: 'debian', osVersionId: '12' };
function x(text: string, unit: string) {
  return expandSpecifiers(text, { unit: parseUnitName(unit)!, fragmentPath: '/lib/systemd/system/getty@.service', host });
}

describe('unit names', () => {
  it('parses prefix, instance and type', () => {
    expect(parseUnitName('foo@bar.service')).toEqual({ name: 'foo@bar.service', prefix: 'foo', instance: 'bar', type: 'service' });
    expect(parseUnitName('foo@.service')).toEqual({ name: 'foo@.service', prefix: 'foo', instance: '', type: 'service' });
    expect(parseUnitName('foo.socket')).toEqual({ name: 'foo.socket', prefix: 'foo', type: 'socket' });
    expect(parseUnitName('noext')).toBeUndefined();
  });
  it('unescapes \\xNN and - as in systemd-escape', () => {
    expect(unescapeUnitPart('dev-ttyS0', true)).toBe('dev/ttyS0');
    expect(unescapeUnitPart('my\\x2dsite', true)).toBe('my-site');
    expect(unescapePath('srv-www')).toBe('/srv/www');
    expect(unescapePath('-')).toBe('/');
  });
});

describe('specifiers (systemd.unit(5))', () => {
  it('names: %n %N %p %P %i %I %f %j %J', () => {
    expect(x('%n|%N|%p|%P|%i|%I|%f', 'serial-getty@ttyS0.service').text).toBe('serial-getty@ttyS0.service|serial-getty@ttyS0|serial-getty|serial/getty|ttyS0|ttyS0|/ttyS0');
    expect(x('%i|%I|%f', 'web@srv-my\\x2dsite.service').text).toBe('srv-my\\x2dsite|srv/my-site|/srv/my-site');
    expect(x('%j|%J|%f', 'a-b-c.service').text).toBe('c|c|/a/b/c');
    expect(x('%i', 'plain.service').text).toBe('');
  });
  it('root defaults: %t %T %V %h %u %U %g %G %%', () => {
    expect(x('%t %T %V %h %u %U %g %G 100%%', 'a.service').text).toBe('/run /tmp /var/tmp /root root 0 root 0 100%');
  });
  it('host-dependent specifiers expand to a guess and are reported', () => {
    const e = x('%H %l %m %b %v', 'a.service');
    expect(e.text.startsWith('box.example.org box abc123 ')).toBe(true);
    expect(e.hostDependent).toEqual(['%H', '%l', '%m', '%b', '%v']);
  });
  it('unknown specifiers are kept and reported', () => {
    const e = x('a%zb', 'a.service');
    expect(e).toEqual({ text: 'a%zb', hostDependent: [], unknown: ['%z'] });
  });
  it('%y and %Y name the fragment', () => {
    expect(x('%y %Y', 'getty@tty1.service').text).toBe('/lib/systemd/system/getty@.service /lib/systemd/system');
  });
});
