// A Map that forgets its least recently used key past a size, as groupcache's lru.Cache (client-go's
// event correlator keeps its records in those).
export class LRU<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly max: number) {}

  /** The value of k, which becomes the most recently used. */
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }

  /** Sets k as the most recently used, forgetting the least recently used past the size. */
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
}
