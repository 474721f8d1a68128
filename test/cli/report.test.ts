import { afterEach, describe, expect, it } from 'vitest';
import { diag, formatDiagnostic, sortDiagnostics } from '../../src/model/diagnostic.js';
import { EventEmitter } from 'node:events';
import { printDiagnostics, printJson } from '../../src/cli/report.js';

/** A stand-in for process.stderr that records each write. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, writes, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream & { writes: string[] };
}

const many = Array.from({ length: 3000 }, (_, i) =>
  diag(i % 3 === 0 ? 'error' : i % 3 === 1 ? 'warning' : 'note', 'some-code', `/etc/init.d/s${i % 97}`, (i * 7) % 50 || undefined, `message number ${i} with some text to fill the line`));

describe('printDiagnostics', () => {
  const saved = process.env.NO_COLOR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  });

  it('prints every diagnostic, sorted, one per line, in few writes', () => {
    const s = fakeStream(false);
    printDiagnostics(many, s);
    expect(s.writes.join('')).toBe(sortDiagnostics(many).map((d) => formatDiagnostic(d) + '\n').join(''));
    expect(s.writes.length).toBeGreaterThan(1); // blocks, so a huge list is never one string
    expect(s.writes.length).toBeLessThan(many.length / 100);
    expect(s.writes.every((w) => w.endsWith('\n'))).toBe(true); // blocks end at line ends
  });

  it('colours each line on a terminal, not with NO_COLOR set', () => {
    delete process.env.NO_COLOR;
    const tty = fakeStream(true);
    printDiagnostics(many.slice(0, 3), tty);
    const colours = { error: '\x1b[31m', warning: '\x1b[33m', note: '\x1b[36m' };
    expect(tty.writes.join('')).toBe(sortDiagnostics(many.slice(0, 3)).map((d) => `${colours[d.severity]}${formatDiagnostic(d)}\x1b[0m\n`).join(''));
    process.env.NO_COLOR = '1';
    const plain = fakeStream(true);
    printDiagnostics(many.slice(0, 3), plain);
    expect(plain.writes.join('')).not.toContain('\x1b[');
  });

  it('writes nothing for no diagnostics', () => {
    const s = fakeStream(false);
    printDiagnostics([], s);
    expect(s.writes).toEqual([]);
  });
});

describe('printJson', () => {
  const value = { services: Array.from({ length: 2000 }, (_, i) => ({ name: `service-${i}`, argv: ['/usr/sbin/d', `--n=${i}`, 'x'.repeat(40)] })) };

  /** A stream that refuses more after every write until it is drained by hand, as a slow pipe does. */
  function slowStream() {
    const writes: string[] = [];
    const stream = new EventEmitter() as EventEmitter & { write: (s: string) => boolean; writes: string[]; waiting: boolean };
    stream.writes = writes;
    stream.waiting = false;
    stream.write = (s: string) => {
      expect(stream.waiting).toBe(false); // nothing written while the stream asked to wait
      writes.push(s);
      stream.waiting = true;
      return false;
    };
    return stream;
  }

  it('waits for drain after each refused block and writes exactly JSON.stringify(value, null, 2)', async () => {
    const s = slowStream();
    let finished = false;
    const done = printJson(value, s as unknown as NodeJS.WritableStream).then(() => (finished = true));
    while (!finished) {
      await new Promise((r) => setImmediate(r));
      if (!s.waiting) continue;
      s.waiting = false;
      s.emit('drain');
    }
    await done;
    expect(s.writes.length).toBeGreaterThan(2);
    expect(s.writes.join('')).toBe(JSON.stringify(value, null, 2) + '\n');
  });

  it('stops writing when the reader goes away instead of draining', async () => {
    const s = slowStream();
    const done = printJson(value, s as unknown as NodeJS.WritableStream);
    s.emit('close');
    await done;
    expect(s.writes).toHaveLength(1);
  });
});
