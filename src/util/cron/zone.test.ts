import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { linkedZone } from './zone.js';
import { tempDir } from '../testing.js';

test('the zone an /etc/localtime link names, as ICU and Go read it; none when it is not such a link', () => {
  const dir = tempDir('zone');
  try {
    const link = (name: string, target: string) => {
      fs.symlinkSync(target, path.join(dir, name));
      return linkedZone(path.join(dir, name));
    };
    assert.equal(link('a', '/usr/share/zoneinfo/Europe/Paris'), 'Europe/Paris');
    assert.equal(link('b', '../usr/share/zoneinfo/Etc/UTC'), 'Etc/UTC');
    assert.equal(link('c', '/usr/share/zoneinfo/posix/Asia/Tokyo'), 'Asia/Tokyo');
    assert.equal(link('d', '/usr/share/zoneinfo/America/Argentina/Buenos_Aires'), 'America/Argentina/Buenos_Aires');
    assert.equal(link('e', '/etc/somewhere/else'), undefined);
    assert.equal(link('f', '/usr/share/zoneinfo/'), undefined);
    fs.writeFileSync(path.join(dir, 'copy'), 'TZif');
    assert.equal(linkedZone(path.join(dir, 'copy')), undefined, 'a copied file: Intl tells');
    assert.equal(linkedZone(path.join(dir, 'missing')), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
