// cli-runtime's Info.Get, which a verb that fetches an object by name goes through: a NotFound in
// a namespace other than default asks whether that namespace exists, and when it does not, its
// NotFound is the error (`namespaces "dev" not found`, not `jobs.batch "pi" not found`).
import { resourceForKind } from '../api/resources.js';
import type { Client } from '../client/interface.js';
import { StatusError } from '../errors.js';

const NAMESPACES = resourceForKind('Namespace')!;

/** client, with its get as Info.Get (every other method the client's own). */
export function withInfoGet(client: Client): Client {
  const get: Client['get'] = async (r, namespace, name) => {
    try {
      return await client.get(r, namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.reason === 'NotFound' && r.namespaced && namespace && namespace !== 'default') {
        try {
          await client.get(NAMESPACES, undefined, namespace);
        } catch (nsError) {
          if (nsError instanceof StatusError && nsError.reason === 'NotFound') throw nsError;
        }
      }
      throw e;
    }
  };
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'get') return get;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
