/**
 * The upgrade, status and downgrade commands on a tree on disk: written through the validator, state
 * kept in .s6migrate/state.json, model.json left alone.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTree } from '../../src/check/index.js';
import { service, ssd, sysv, wrapperTree } from '../upgrade/build.js';
import { writeTreeForTest } from '../upgrade/disk.js';
import { runMain } from '../support/run-main.js';


const tmp = mkdtempSync(join(tmpdir(), 's6m-upcli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setup(): string {
  const dir = join(tmp, 'out');
  const services = [
    service('foo', [sysv('foo', [ssd({ exec: '/usr/sbin/food', background: true, args: ['-c', '/etc/foo.conf'] })])]),
    service('bar', [sysv('bar', [ssd({ exec: '/usr/sbin/mysteryd' })])]),
  ];
  writeTreeForTest(wrapperTree(services), dir);
  mkdirSync(join(dir, '.s6migrate'));
  writeFileSync(join(dir, '.s6migrate', 'model.json'), JSON.stringify({ version: 1, services, host: { facilityMembers: {} } }, null, 2) + '\n');
  return dir;
}

const cli = runMain;

describe('upgrade / status / downgrade commands', () => {
  const dir = setup();
  const model = readFileSync(join(dir, '.s6migrate', 'model.json'), 'utf8');
  const fooUp = readFileSync(join(dir, 'foo', 'up'), 'utf8');

  it('upgrades what it can, explains a refusal and exits 1', async () => {
    const r = await cli(['upgrade', 'foo', 'bar', '--in', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('foo: upgraded (ssd-background, high)');
    expect(r.err).toMatch(/bar: not upgraded: .*mysteryd.*--command/);
    expect(existsSync(join(dir, 'foo'))).toBe(false);
    expect(readFileSync(join(dir, 'foo-srv', 'run'), 'utf8')).toContain('"/usr/sbin/food" "-c" "/etc/foo.conf"');
    expect(readFileSync(join(dir, 'foo-log', 'pipeline-name'), 'utf8')).toBe('foo\n');
    expect(readFileSync(join(dir, '.s6migrate', 'model.json'), 'utf8')).toBe(model);
    const state = JSON.parse(readFileSync(join(dir, '.s6migrate', 'state.json'), 'utf8'));
    expect(state.services.foo).toMatchObject({ stage: 'longrun', evidence: 'ssd-background', logDir: '/var/log/s6migrate/foo' });
    expect(checkTree(dir).ok).toBe(true);
  });

  it('status shows progress', async () => {
    const r = await cli(['status', '--in', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 of 2 services upgraded');
    expect(r.out).toMatch(/foo\s+longrun/);
  });

  it('--command upgrades the refused service; --no-log gives one longrun', async () => {
    const r = await cli(['upgrade', 'bar', '--in', dir, '--no-log', '--command', "/usr/sbin/mysteryd --name 'a b'"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'bar', 'type'), 'utf8')).toBe('longrun\n');
    expect(readFileSync(join(dir, 'bar', 'run'), 'utf8')).toContain('"/usr/sbin/mysteryd" "--name" "a b"');
  });

  it('downgrade restores the oneshot wrapper', async () => {
    const r = await cli(['downgrade', 'foo', '--in', dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'foo', 'up'), 'utf8')).toBe(fooUp);
    expect(existsSync(join(dir, 'foo-srv'))).toBe(false);
    const state = JSON.parse(readFileSync(join(dir, '.s6migrate', 'state.json'), 'utf8'));
    expect(state.services.foo).toBeUndefined();
    expect(checkTree(dir).ok).toBe(true);
  });

  it('usage errors exit 2 without touching the tree', async () => {
    expect((await cli(['upgrade', 'foo', 'bar', '--in', dir, '--command', '/x'])).code).toBe(2);
    expect((await cli(['upgrade', 'foo', '--in', dir, '--log-dir', 'relative'])).code).toBe(2);
  });
});
