// strategicpatch.LookupPatchMeta over the API schema (src/api/openapi): for a field of a struct,
// its type and its patch strategy and merge key (the `patchStrategy` and `patchMergeKey` struct
// tags, which the schema carries as x-kubernetes-patch-strategy / -merge-key); for a list field,
// its element type. As PatchMetaFromStruct does for the apiserver's typed objects.
import { definition, goStructName, kindDefinition, type PropSchema } from '../openapi/schema.js';

export interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

export interface LookupPatchMeta {
  lookupStruct(key: string): [LookupPatchMeta, PatchMeta];
  lookupSlice(key: string): [LookupPatchMeta, PatchMeta];
  /** reflect.Kind of the type, for "cannot merge lists without merge key for %s" */
  name(): string;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

function metaOf(p: PropSchema): PatchMeta {
  return { strategies: p.patchStrategy ? p.patchStrategy.split(',') : [], mergeKey: p.patchMergeKey ?? '' };
}

/** A Go type in the schema: a named definition, or an inline slice / map / primitive. */
class SchemaType implements LookupPatchMeta {
  constructor(private readonly t: PropSchema | { $ref: string }) {}

  private kind(): 'struct' | 'map' | 'slice' | 'string' | 'int' | 'float64' | 'bool' | 'interface' {
    const t = this.t as PropSchema;
    if (t.$ref) {
      const d = definition(t.$ref);
      if (d.properties) return 'struct';
      // Quantity, IntOrString, Time, MicroTime and FieldsV1 are structs in Go.
      return 'struct';
    }
    switch (t.type) {
      case 'array':
        return 'slice';
      case 'object':
        return t.additionalProperties ? 'map' : 'interface';
      case 'integer':
        return 'int';
      case 'number':
        return 'float64';
      case 'boolean':
        return 'bool';
      case 'string':
        return 'string';
      default:
        return 'interface';
    }
  }

  name(): string {
    const k = this.kind();
    return k === 'int' ? 'int32' : k;
  }

  lookupStruct(key: string): [LookupPatchMeta, PatchMeta] {
    const t = this.t as PropSchema;
    const k = this.kind();
    if (k === 'map') return [new SchemaType(t.additionalProperties!), NO_META];
    if (k !== 'struct') throw new Error(`merging an object in json but data type is not map or struct, instead is: ${k}`);
    const d = definition(t.$ref!);
    const prop = d.properties && Object.prototype.hasOwnProperty.call(d.properties, key) ? d.properties[key] : undefined;
    if (!prop) throw new Error(`unable to find api field in struct ${goStructName(t.$ref!)} for the json field "${key}"`);
    return [new SchemaType(prop), metaOf(prop)];
  }

  lookupSlice(key: string): [LookupPatchMeta, PatchMeta] {
    const [sub, meta] = this.lookupStruct(key);
    const st = (sub as SchemaType).t as PropSchema;
    if (st.type !== 'array' || !st.items) throw new Error(`expected slice or array type, but got: ${this.kind()}`);
    if (st.items.type === 'array') throw new Error('unexpected slice of slice');
    return [new SchemaType(st.items), meta];
  }
}

/** The patch metadata of a kind's root type (Job → v1.Job). */
export function patchMetaForKind(kind: string): LookupPatchMeta {
  const root = kindDefinition(kind);
  if (!root) throw new Error(`kjob: no schema for kind ${kind}`);
  return new SchemaType({ $ref: root });
}
