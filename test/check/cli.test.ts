import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Command, CommanderError } from 'commander';
import { register } from '../../src/cli/commands/check.js';
import { STACK_ROWS } from '../support/stacks.js';
import { checkTree } from '../../src/check/index.js';
import { longrun, makeTree, oneshot, removeTrees, deps } from './tree-builder.js';

afterAll(removeTrees);
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `s6migrate ARGS` with only the check command registered (as main.ts does, exit codes included). */
async function main(argv: string[]): Promise<number> {
  const program = new Command('s6migrate').exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  register(program);
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.code === 'commander.helpDisplayed' ? 0 : 2;
    throw e;
  }
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

function capture(): { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return { out: () => out, err: () => err };
}

describe('s6migrate check', () => {
  it('exits 0 on a valid tree', async () => {
    const src = makeTree({ a: oneshot(), b: longrun(deps('a')) });
    const io = capture();
    expect(await main(['check', src])).toBe(0);
    expect(io.err()).toContain('valid');
  });

  it('exits 1 and names file, line and upstream message on an invalid tree', async () => {
    const src = makeTree({ a: oneshot(), b: oneshot('true', { dependencies: 'a\nghost\n' }) });
    const io = capture();
    expect(await main(['check', src])).toBe(1);
    expect(io.err()).toContain(`${src}/b/dependencies:2: error: during dependency resolution for service b: undefined service name ghost`);
    expect(io.err()).toContain('[check-undefined-dependency]');
  });

  it('prints JSON with --json', async () => {
    const src = makeTree({ a: { type: 'daemon\n' } });
    const io = capture();
    expect(await main(['check', src, '--json'])).toBe(1);
    const parsed = JSON.parse(io.out());
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'check-unknown-type', file: `${src}/a/type`, severity: 'error' });
  });

  it('exits 2 when DIR does not exist', async () => {
    const io = capture();
    expect(await main(['check', '/nonexistent/s6m'])).toBe(2);
    expect(io.err()).toContain('not a directory');
  });

  it('exits 2 without DIR', async () => {
    capture();
    expect(await main(['check'])).toBe(2);
  });

  it('--compile says what to install when s6-rc-compile is missing', async () => {
    const src = makeTree({ a: oneshot() });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    const io = capture();
    try {
      expect(await main(['check', src, '--compile'])).toBe(2);
    } finally {
      process.env.PATH = path;
    }
    expect(io.err()).toContain('install s6-rc');
  });

  // The CLI reads PATH from the environment: the stack's PATH is set for the call and restored.
  async function withPath<T>(path: string, f: () => Promise<T>): Promise<T> {
    const saved = process.env.PATH;
    process.env.PATH = path;
    try {
      return await f();
    } finally {
      process.env.PATH = saved;
    }
  }

  it.each(STACK_ROWS)('--compile runs the real compiler and reports its verdict [s6-rc %s]', async (version, stack) => {
    const src = makeTree({ a: oneshot('echo {') });
    const io = capture();
    expect(await withPath(stack.path, () => main(['check', src, '--compile', '--json']))).toBe(1);
    const parsed = JSON.parse(io.out());
    expect(parsed.compile.ok).toBe(false);
    expect(parsed.compile.output).toContain('syntax error in');
    expect(parsed.compile).toMatchObject({ s6rc: version, compiler: `${stack.bin}/s6-rc-compile` });
  });

  it.each(STACK_ROWS)('--compile says which s6-rc it used [s6-rc %s]', async (version, stack) => {
    const src = makeTree({ a: oneshot() });
    const io = capture();
    expect(await withPath(stack.path, () => main(['check', src, '--compile']))).toBe(0);
    expect(io.err()).toContain(`valid (s6-rc ${version} s6-rc-compile ${stack.bin}/s6-rc-compile: ok)`);
  });
});

describe('s6migrate check --help', () => {
  it('explains each option', async () => {
    const io = capture();
    expect(await main(['check', '--help'])).toBe(0);
    expect(io.out()).toMatch(/--compile .*s6-rc-compile/s);
    expect(io.out()).toMatch(/--json .*JSON/s);
  });
});

describe('checkTree scale', () => {
  it('checks 3000 services quickly', () => {
    const spec: Record<string, ReturnType<typeof oneshot>> = {};
    for (let i = 0; i < 3000; i++) spec[`s${i}`] = oneshot('foreground { echo x } true\n', i > 0 ? deps(`s${i - 1}`) : {});
    const src = makeTree(spec);
    const t0 = Date.now();
    const r = checkTree(src);
    expect(r.ok).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
