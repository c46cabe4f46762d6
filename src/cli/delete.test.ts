// kubectl delete's choices that no end-to-end run can stage on time: what an object that went
// away between the list and its delete does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Context } from './context.js';
import { del } from './delete.js';
import { resourceForKind } from '../api/resources.js';
import { tempDir } from '../util/testing.js';
import type { IO } from './io.js';

const CONFIGMAPS = resourceForKind('ConfigMap')!;
// No engine is woken or started by these commands' writes (Context.engine reads the process's env).
process.env.KJOB_ENGINE = 'off';

/** A state directory with ConfigMaps a, b and c, whose client deletes b itself just before a delete of b is sent (as a collector would). */
async function racing(): Promise<{ ctx: Context; home: string }> {
  const home = tempDir('delete');
  const ctx = new Context({ home }, { ...process.env, KJOB_HOME: home });
  for (const name of ['a', 'b', 'c']) await ctx.client.create(CONFIGMAPS, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { app: 'demo' } } });
  const client = ctx.client;
  const send = client.delete.bind(client);
  client.delete = async (r, ns, name, opts) => {
    if (name === 'b') await send(r, ns, name, {});
    return send(r, ns, name, opts);
  };
  return { ctx, home };
}

function capture(): IO & { text: { out: string; err: string } } {
  const text = { out: '', err: '' };
  return { text, out: (s) => (text.out += s), err: (s) => (text.err += s) };
}

test('delete --all or -l: an object gone before its delete is no error, as kubectl defaults --ignore-not-found then', { timeout: 60_000 }, async () => {
  for (const how of [{ all: true }, { selector: 'app=demo' }]) {
    const { ctx, home } = await racing();
    const io = capture();
    try {
      const code = await del(ctx, ['configmaps'], { ...how, wait: false }, io);
      assert.equal(code, 0, JSON.stringify(how));
      assert.equal(io.text.out, 'configmap "a" deleted\nconfigmap "c" deleted\n');
      assert.equal(io.text.err, '');
    } finally {
      ctx.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
});

test('delete by name: an object gone before its delete is kubectl\'s NotFound, exit 1; --ignore-not-found keeps quiet', { timeout: 60_000 }, async () => {
  for (const ignoreNotFound of [undefined, true]) {
    const { ctx, home } = await racing();
    const io = capture();
    try {
      const code = await del(ctx, ['configmaps', 'a', 'b', 'c'], { wait: false, ignoreNotFound }, io);
      assert.equal(io.text.out, 'configmap "a" deleted\nconfigmap "c" deleted\n');
      if (ignoreNotFound) {
        assert.equal(code, 0);
        assert.equal(io.text.err, '');
      } else {
        assert.equal(code, 1);
        assert.equal(io.text.err, 'Error from server (NotFound): configmaps "b" not found\n');
      }
    } finally {
      ctx.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }
});
