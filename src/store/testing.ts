// For unit tests of reconcilers: a real Store in a throwaway directory on a FakeClock.
import fs from 'node:fs';
import { Store } from './store.js';
import { FakeClock } from '../util/clock.js';
import { tempDir } from '../util/testing.js';

export interface TestStore {
  home: string;
  store: Store;
  clock: FakeClock;
  /** Close the store and remove its directory (call in afterEach). */
  dispose(): void;
}

export function openTestStore(prefix: string, start = '2026-11-23T12:00:00Z'): TestStore {
  const home = tempDir(`${prefix}`);
  const clock = new FakeClock(start);
  const store = Store.open(home);
  return {
    home,
    store,
    clock,
    dispose() {
      store.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
