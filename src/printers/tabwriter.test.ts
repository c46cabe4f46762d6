import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TabWriter, getTabWriter, describeTabWriter, escapeTerminal } from './tabwriter.js';

function run(mk: (out: (s: string) => void) => TabWriter, ...chunks: string[]): string {
  let out = '';
  const w = mk((s) => (out += s));
  for (const c of chunks) w.write(c);
  w.flush();
  return out;
}
const plain = (o: Partial<ConstructorParameters<typeof TabWriter>[1]> = {}) => (out: (s: string) => void) =>
  new TabWriter(out, { minWidth: 0, tabWidth: 8, padding: 1, ...o });

test('basic columns; the last cell of a line is not padded', () => {
  assert.equal(run(plain(), 'a\tbbb\tc\n', 'aaaa\tb\tc\n'), 'a    bbb c\naaaa b   c\n');
});

test('empty cells are padded, a trailing tab leaves trailing spaces', () => {
  assert.equal(run(getTabWriter, 'NAME\tTIER\n', 'pi\t\n', 'web\tfrontend\n'), 'NAME   TIER\npi     \nweb    frontend\n');
  assert.equal(run(plain(), '\tx\n', 'yy\tz\n'), '   x\nyy z\n');
});

test('minwidth 6 (get)', () => {
  assert.equal(run(getTabWriter, 'pi\tComplete\t1/1\t14s\t5m36s\n'), 'pi    Complete   1/1   14s   5m36s\n');
});

test('blocks: a line with fewer cells ends the column block', () => {
  const out = run(describeTabWriter, 'Name:\tpi\n', 'Pod Template:\n', '  Labels:\tx\n', 'Longer label:\ty\n');
  assert.equal(out, 'Name:  pi\nPod Template:\n  Labels:      x\nLonger label:  y\n');
  // column 1 is laid out only inside the block of column 0
  assert.equal(run(plain(), 'a\tb\tc\n', 'aa\n', 'a\tbbbb\tc\n'), 'a b c\naa\na bbbb c\n');
  assert.equal(run(plain(), 'a\tb\tc\n', 'a\tb\n', 'a\tbbbb\tc\n'), 'a b c\na b\na bbbb c\n');
});

test('widths are counted in code points', () => {
  assert.equal(run(plain(), 'é\tx\n', 'ab\ty\n', '😀\tz\n'), 'é  x\nab y\n😀  z\n');
});

test('text without a final newline is written at flush', () => {
  assert.equal(run(plain(), 'a\tb'), 'a b');
  assert.equal(run(plain(), 'a\tb\nc'), 'a b\nc');
});

test('RememberWidths: columns only grow across flushes; reset forgets', () => {
  let out = '';
  const w = getTabWriter((s) => (out += s));
  w.write('NAME\tSTATUS\tAGE\n');
  w.write('pi\tComplete\t5m\n');
  w.flush();
  w.write('a-much-longer-job-name-here\tRunning\t1s\n');
  w.flush();
  w.write('pi\tComplete\t5m\n');
  w.flush();
  assert.equal(out,
    'NAME   STATUS     AGE\n' +
    'pi     Complete   5m\n' +
    'a-much-longer-job-name-here   Running    1s\n' +
    'pi                            Complete   5m\n');
  out = '';
  w.resetRememberedWidths();
  w.write('x\ty\tz\n');
  w.flush();
  assert.equal(out, 'x     y     z\n');
});

test('a single-cell line flushes (no effect on output)', () => {
  assert.equal(run(describeTabWriter, 'a:\tb\n', 'Events:\n', 'abc:\td\n'), 'a:  b\nEvents:\nabc:  d\n');
});

test('vertical tab terminates a cell; form feed forces a flush', () => {
  assert.equal(run(plain(), 'a\vb\n'), 'a b\n');
  assert.equal(run(plain(), 'a\tb\n\faaa\tb\n'), 'a b\n\naaa b\n');
});

test('escapeTerminal', () => {
  assert.equal(escapeTerminal('a\x1b[31mb\rc'), 'a^[[31mb\\rc');
});
