// Strategic merge patch (apimachinery pkg/util/strategicpatch): JSON merge patch where lists of a
// field with patchStrategy "merge" are merged element by element (by the field's patchMergeKey for
// lists of objects, as sets for lists of scalars), with the directives
//   $patch: replace | delete | merge         (on a map, or as an element of a merging list)
//   $retainKeys: [...]                        (fields with patchStrategy "retainKeys": keep only these)
//   $setElementOrder/<list>: [...]            (the order of a merging list after the patch)
//   $deleteFromPrimitiveList/<list>: [...]    (remove these scalars from a merging list)
// StrategicMergePatch applies a patch (the apiserver); CreateThreeWayMergePatch computes the patch
// kubectl apply sends (last-applied → manifest, and live object). Errors carry the library's words.
//
// Inputs are never modified (they are copied first); the algorithms below mutate their copies as
// the Go code mutates its maps.
import { byteOrder, deepEqual, goKind, goSliceStable, goTypeName, goV, isMap, sortByGoString, type JSONMap, type JSONValue } from './gofmt.js';
import type { LookupPatchMeta } from './meta.js';
import { jsonCopy } from '../../util/canonical.js';

const DIRECTIVE = '$patch';
const DELETE = 'delete';
const REPLACE = 'replace';
const MERGE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** mergepatch's errors: their text is what the apiserver answers with (as BadRequest or 422). */
export class PatchError extends Error {
  constructor(
    message: string,
    /** how the apiserver reports it (interpretStrategicMergePatchError) */
    public readonly kind: 'BadRequest' | 'Unprocessable' | 'Internal' = 'Internal',
  ) {
    super(message);
  }
}

export const ErrBadJSONDoc = () => new PatchError('invalid JSON document', 'BadRequest');
const ErrNoListOfLists = () => new PatchError('lists of lists are not supported', 'Unprocessable');
const ErrBadPatchFormatForPrimitiveList = () => new PatchError('invalid patch format of primitive list', 'BadRequest');
const ErrBadPatchFormatForRetainKeys = () => new PatchError('invalid patch format of retainKeys', 'BadRequest');
const ErrBadPatchFormatForSetElementOrderList = () => new PatchError('invalid patch format of setElementOrder list', 'BadRequest');
const ErrNoMergeKey = (m: unknown, k: string) => new PatchError(`map: ${goV(m)} does not contain declared merge key: ${k}`);
const ErrBadArgType = (expected: string, actual: unknown) => new PatchError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const ErrBadPatchType = (t: unknown, m: unknown) => new PatchError(`unknown patch type: ${goV(t)} in map: ${goV(m)}`);

interface DiffOptions {
  setElementOrder?: boolean;
  ignoreChangesAndAdditions?: boolean;
  ignoreDeletions?: boolean;
  buildRetainKeysDirective?: boolean;
}

interface MergeOptions {
  mergeParallelList: boolean;
  ignoreUnmatchedNulls: boolean;
}

// The values are JSON (a parsed patch, a stored object): copied as JSON, several times faster
// than structuredClone (which was 1% of the engine's time during a Job: the Job controller
// removes each finished pod's tracking finalizer with a strategic merge patch).
const clone = <T>(v: T): T => (v === undefined ? v : jsonCopy(v));
const has = (m: JSONMap, k: string) => Object.prototype.hasOwnProperty.call(m, k);

// ================================================================ applying a patch

/** StrategicMergeMapPatch: the patched object. Throws PatchError. */
export function strategicMergePatch(original: JSONMap, patch: JSONMap, schema: LookupPatchMeta): JSONMap {
  return mergeMap(clone(original), clone(patch), schema, { mergeParallelList: true, ignoreUnmatchedNulls: true });
}

function extractRetainKeysPatchStrategy(strategies: string[]): [boolean, string] {
  switch (strategies.length) {
    case 0:
      return [false, ''];
    case 1:
      return strategies[0] === RETAIN_KEYS_STRATEGY ? [true, ''] : [false, strategies[0]];
    case 2:
      if (strategies[0] === RETAIN_KEYS_STRATEGY) return [true, strategies[1]];
      if (strategies[1] === RETAIN_KEYS_STRATEGY) return [true, strategies[0]];
      throw new PatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
    default:
      throw new PatchError(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
}

function handleDirectiveInMergeMap(directive: JSONValue, patch: JSONMap): JSONMap {
  if (directive === REPLACE) {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === DELETE) return {};
  throw ErrBadPatchType(directive, patch);
}

function containsDirectiveMarker(item: unknown): boolean {
  return isMap(item) && has(item, DIRECTIVE);
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isMap(left)) throw ErrBadArgType('map[string]interface {}', left);
  if (!isMap(right)) throw ErrBadArgType('map[string]interface {}', right);
  if (!has(left, mergeKey)) throw ErrNoMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw ErrNoMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

/** The key after "<prefix>/". */
function extractKey(s: string, prefix: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST) throw ErrBadPatchFormatForPrimitiveList();
    if (prefix === SET_ELEMENT_ORDER) throw ErrBadPatchFormatForSetElementOrderList();
    throw new PatchError(`fail to find unknown prefix "${prefix}" in ${s}\n`);
  }
  return s.slice(i + 1);
}

function validatePatchWithSetOrderList(patchList: unknown, setOrderList: unknown, mergeKey: string): void {
  if (!Array.isArray(setOrderList)) throw ErrBadPatchFormatForSetElementOrderList();
  if (!Array.isArray(patchList)) throw ErrBadPatchFormatForSetElementOrderList();
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < setOrderList.length) {
    if (containsDirectiveMarker(nonDelete[pi])) {
      pi++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[pi], setOrderList[si], mergeKey)) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= setOrderList.length) {
    throw new PatchError(`The order in patch list:\n${goV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goV(setOrderList)}\n`);
  }
}

/** preprocessDeletionListForMerging: [skip, isDeleteList, key without the prefix]. */
function preprocessDeletionList(key: string, original: JSONMap, patchVal: JSONValue, mergeDeletionList: boolean): [boolean, boolean, string] {
  if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
    if (!mergeDeletionList) {
      original[key] = patchVal;
      return [true, false, ''];
    }
    return [false, true, extractKey(key, DELETE_FROM_PRIMITIVE_LIST)];
  }
  return [false, false, ''];
}

function applyRetainKeysDirective(original: JSONMap, patch: JSONMap, options: MergeOptions): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const retainKeysInPatch = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!options.mergeParallelList) {
    if (has(original, RETAIN_KEYS)) {
      if (!deepEqual(original[RETAIN_KEYS], retainKeysInPatch)) {
        throw new PatchError(`${goV(original[RETAIN_KEYS])} and ${goV(retainKeysInPatch)} are not deep equal: this may happen when calculating the 3-way diff patch`);
      }
    } else original[RETAIN_KEYS] = retainKeysInPatch;
    return;
  }
  if (!Array.isArray(retainKeysInPatch)) throw ErrBadPatchFormatForRetainKeys();
  const keep = new Set(retainKeysInPatch as unknown[]);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw ErrBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** mergePatchIntoOriginal: the $setElementOrder lists (and the lists they order) first. */
function mergePatchIntoOriginal(original: JSONMap, patch: JSONMap, schema: LookupPatchMeta, options: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const setElementOrderInPatch = patch[key];
    if (!options.mergeParallelList) {
      if (has(original, key)) {
        if (!deepEqual(original[key], setElementOrderInPatch)) throw ErrBadPatchFormatForSetElementOrderList();
      } else original[key] = setElementOrderInPatch;
    }
    delete patch[key];
    if (!Array.isArray(setElementOrderInPatch)) throw ErrBadArgType('[]interface {}', setElementOrderInPatch);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER);
    const foundOriginal = has(original, originalKey);
    const foundPatch = has(patch, originalKey);
    let originalFieldValue: JSONValue[] = [];
    let patchFieldValue: JSONValue[] = [];
    if (foundOriginal) {
      if (!Array.isArray(original[originalKey])) throw ErrBadArgType('[]interface {}', original[originalKey]);
      originalFieldValue = original[originalKey] as JSONValue[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[originalKey])) throw ErrBadArgType('[]interface {}', patch[originalKey]);
      patchFieldValue = patch[originalKey] as JSONValue[];
    }
    const [subschema, patchMeta] = schema.lookupSlice(originalKey);
    const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.strategies);
    validatePatchWithSetOrderList(patchFieldValue, setElementOrderInPatch, patchMeta.mergeKey);
    let merged: JSONValue[];
    if (foundOriginal && !foundPatch) merged = originalFieldValue;
    else if (!foundOriginal && foundPatch) {
      const [v, keep] = removeDirectives(patchFieldValue);
      if (!keep) continue;
      merged = v as JSONValue[];
    } else if (foundOriginal && foundPatch) {
      merged = mergeSliceHandler(original[originalKey], patch[originalKey], subschema, patchStrategy, patchMeta.mergeKey, false, options);
    } else continue;
    const [patchItems, serverOnly] =
      patchMeta.mergeKey === ''
        ? partitionPrimitivesByPresentInList(merged, setElementOrderInPatch)
        : partitionMapsByPresentInList(merged, setElementOrderInPatch, patchMeta.mergeKey);
    const kind = sliceElementKind(originalFieldValue, patchFieldValue);
    original[originalKey] = normalizeElementOrder(patchItems, serverOnly, setElementOrderInPatch, originalFieldValue, patchMeta.mergeKey, kind);
    delete patch[originalKey];
  }
}

function partitionPrimitivesByPresentInList(original: JSONValue[], partitionBy: JSONValue[]): [JSONValue[], JSONValue[]] {
  const patch: JSONValue[] = [];
  const serverOnly: JSONValue[] = [];
  for (const v of original) (partitionBy.some((p) => p === v) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMapsByPresentInList(original: JSONValue[], partitionBy: JSONValue[], mergeKey: string): [JSONValue[], JSONValue[]] {
  const patch: JSONValue[] = [];
  const serverOnly: JSONValue[] = [];
  for (const v of original) {
    if (!isMap(v)) throw ErrBadArgType('map[string]interface {}', v);
    if (!has(v, mergeKey)) throw ErrNoMergeKey(v, mergeKey);
    const [, , found] = findMapInSliceBasedOnKeyValue(partitionBy, mergeKey, v[mergeKey]);
    (found ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

/** removeDirectives: [the value without directives, whether to keep it]. */
function removeDirectives(obj: JSONValue): [JSONValue, boolean] {
  if (obj === null) return [obj, true];
  if (isMap(obj)) {
    if (has(obj, DIRECTIVE)) return [null, false];
    for (const k of Object.keys(obj)) {
      const [v, keep] = removeDirectives(obj[k]);
      if (keep) obj[k] = v;
      else delete obj[k];
    }
    return [obj, true];
  }
  if (Array.isArray(obj)) {
    const res: JSONValue[] = [];
    for (const v of obj) {
      const [nv, keep] = removeDirectives(v);
      if (keep) res.push(nv);
    }
    return [res, true];
  }
  return [obj, true];
}

function mergeMap(originalIn: JSONMap | null, patch: JSONMap, schema: LookupPatchMeta, options: MergeOptions): JSONMap {
  if (has(patch, DIRECTIVE)) return handleDirectiveInMergeMap(patch[DIRECTIVE], patch);
  const original: JSONMap = originalIn ?? {};
  applyRetainKeysDirective(original, patch, options);
  mergePatchIntoOriginal(original, patch, schema, options);
  for (const key of Object.keys(patch)) {
    const patchV = patch[key];
    const [skip, isDeleteList, noPrefixKey] = preprocessDeletionList(key, original, patchV, options.mergeParallelList);
    if (skip) continue;
    const k = noPrefixKey !== '' ? noPrefixKey : key;
    if (patchV === null) {
      delete original[k];
      if (options.ignoreUnmatchedNulls) continue;
    }
    if (!has(original, k)) {
      if (!isDeleteList) {
        if (options.ignoreUnmatchedNulls) discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }
    const ot = goKind(original[k]);
    if (ot !== goKind(patchV)) {
      if (!isDeleteList) {
        if (options.ignoreUnmatchedNulls) discardNullValuesFromPatch(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) original[k] = v;
        else delete original[k];
      }
      continue;
    }
    if (ot === 'map') {
      const [subschema, patchMeta] = schema.lookupStruct(k);
      const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.strategies);
      original[k] = mergeMapHandler(original[k], patchV, subschema, patchStrategy, options);
    } else if (ot === 'slice') {
      const [subschema, patchMeta] = schema.lookupSlice(k);
      const [, patchStrategy] = extractRetainKeysPatchStrategy(patchMeta.strategies);
      original[k] = mergeSliceHandler(original[k], patchV, subschema, patchStrategy, patchMeta.mergeKey, isDeleteList, options);
    } else {
      const [v, keep] = removeDirectives(patchV);
      if (keep) original[k] = v;
      else delete original[k];
    }
  }
  return original;
}

function discardNullValuesFromPatch(v: JSONValue): void {
  if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValuesFromPatch(v[k]);
    }
  } else if (Array.isArray(v)) for (const e of v) discardNullValuesFromPatch(e);
}

function mergeMapHandler(original: JSONValue, patch: JSONValue, schema: LookupPatchMeta, strategy: string, options: MergeOptions): JSONMap {
  if (!isMap(original)) throw ErrBadArgType('map[string]interface {}', original);
  if (!isMap(patch)) throw ErrBadArgType('map[string]interface {}', patch);
  return strategy !== REPLACE ? mergeMap(original, patch, schema, options) : patch;
}

function mergeSliceHandler(
  original: JSONValue,
  patch: JSONValue,
  schema: LookupPatchMeta,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
  options: MergeOptions,
): JSONValue[] {
  if (!Array.isArray(original)) throw ErrBadArgType('[]interface {}', original);
  if (!Array.isArray(patch)) throw ErrBadArgType('[]interface {}', patch);
  if (strategy === MERGE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, options, isDeleteList);
  return patch;
}

function mergeSlice(originalIn: JSONValue[], patchIn: JSONValue[], schema: LookupPatchMeta, mergeKey: string, options: MergeOptions, isDeleteList: boolean): JSONValue[] {
  let original = originalIn;
  let patch = patchIn;
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let merged: JSONValue[];
  if (kind !== 'map') {
    if (options.mergeParallelList && isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw new PatchError(`cannot merge lists without merge key for ${schema.name()}`);
    [original, patch] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = mergeSliceWithoutSpecialElements(original, patch, mergeKey, schema, options);
  }
  const [patchItems, serverOnly] =
    mergeKey === '' ? partitionPrimitivesByPresentInList(merged, patch) : partitionMapsByPresentInList(merged, patch, mergeKey);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

function mergeSliceWithSpecialElements(originalIn: JSONValue[], patch: JSONValue[], mergeKey: string): [JSONValue[], JSONValue[]] {
  let original = originalIn;
  const without: JSONValue[] = [];
  let replace = false;
  for (const v of patch) {
    const m = v as JSONMap;
    if (!has(m, DIRECTIVE)) {
      without.push(v);
      continue;
    }
    const t = m[DIRECTIVE];
    if (t === DELETE) {
      if (!has(m, mergeKey)) throw ErrNoMergeKey(m, mergeKey);
      original = deleteMatchingEntries(original, mergeKey, m[mergeKey]);
    } else if (t === REPLACE) replace = true;
    else if (t === MERGE) throw new PatchError('merging lists cannot yet be specified in the patch');
    else throw ErrBadPatchType(t, m);
  }
  if (replace) return [without, []];
  return [original, without];
}

function deleteMatchingEntries(original: JSONValue[], mergeKey: string, value: JSONValue): JSONValue[] {
  let out = original;
  for (;;) {
    const [, i, found] = findMapInSliceBasedOnKeyValue(out, mergeKey, value);
    if (!found) return out;
    out = [...out.slice(0, i), ...out.slice(i + 1)];
  }
}

function mergeSliceWithoutSpecialElements(original: JSONValue[], patch: JSONValue[], mergeKey: string, schema: LookupPatchMeta, options: MergeOptions): JSONValue[] {
  // Appended elements must not show in the caller's `original` (Go's append makes a new slice).
  const out = [...original];
  for (const v of patch) {
    const m = v as JSONMap;
    if (!has(m, mergeKey)) throw ErrNoMergeKey(m, mergeKey);
    const [orig, i, found] = findMapInSliceBasedOnKeyValue(out, mergeKey, m[mergeKey]);
    if (found) out[i] = mergeMap(orig!, m, schema, options);
    else out.push(v);
  }
  return out;
}

function deleteFromSlice(current: JSONValue[], toDelete: JSONValue[]): JSONValue[] {
  return current.filter((v) => !toDelete.some((d) => d === v));
}

function findMapInSliceBasedOnKeyValue(m: JSONValue[], key: string, value: JSONValue): [JSONMap | undefined, number, boolean] {
  for (let i = 0; i < m.length; i++) {
    const v = m[i];
    if (!isMap(v)) throw new PatchError(`value for key ${i} is not a map`);
    if (has(v, key) && v[key] === value) return [v, i, true];
  }
  return [undefined, 0, false];
}

// ================================================================ ordering

function index(l: JSONValue[], val: JSONValue, mergeKey: string, kind: string): number {
  const get = kind === 'map' ? (x: JSONValue) => (isMap(x) && has(x, mergeKey) ? x[mergeKey] : null) : (x: JSONValue) => x;
  const want = get(val);
  for (let i = 0; i < l.length; i++) if (get(l[i]) === want) return i;
  return -1;
}

function extractToDeleteItems(l: JSONValue[]): [JSONValue[], JSONValue[]] {
  const nonDelete: JSONValue[] = [];
  const toDelete: JSONValue[] = [];
  for (const v of l) {
    if (!isMap(v)) throw ErrBadArgType('map[string]interface {}', v);
    if (has(v, DIRECTIVE) && v[DIRECTIVE] === DELETE) toDelete.push(v);
    else nonDelete.push(v);
  }
  return [nonDelete, toDelete];
}

function validateMergeKeyInLists(mergeKey: string, ...lists: JSONValue[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isMap(item)) throw ErrBadArgType('map[string]interface {}', item);
      if (!has(item, mergeKey)) throw ErrNoMergeKey(item, mergeKey);
    }
  }
}

/** normalizeSliceOrder: sort `toSort` by `order` (Go's sort.SliceStable with its lenient less). */
function normalizeSliceOrder(toSortIn: JSONValue[], order: JSONValue[], mergeKey: string, kind: string): JSONValue[] {
  let toSort = toSortIn;
  let toDelete: JSONValue[] = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, toSort, order);
    [toSort, toDelete] = extractToDeleteItems(toSort);
  }
  goSliceStable(toSort, (a, b) => {
    const ia = index(order, a, mergeKey, kind);
    if (ia >= 0) {
      const ib = index(order, b, mergeKey, kind);
      if (ib >= 0) return ia < ib;
    }
    return true;
  });
  return [...toSort, ...toDelete];
}

function mergeSortedSlice(left: JSONValue[], right: JSONValue[], serverOrder: JSONValue[], mergeKey: string, kind: string): JSONValue[] {
  const less = (l: JSONValue, r: JSONValue): [boolean, boolean] => {
    const li = index(serverOrder, l, mergeKey, kind);
    const ri = index(serverOrder, r, mergeKey, kind);
    return li >= 0 && ri >= 0 ? [li < ri, true] : [false, false];
  };
  const out: JSONValue[] = [];
  let i = 0;
  let j = 0;
  const size = left.length + right.length;
  for (let k = 0; k < size; k++) {
    if (i >= left.length && j < right.length) out.push(right[j++]);
    else if (j >= right.length && i < left.length) out.push(left[i++]);
    else {
      const [l, both] = less(left[i], right[j]);
      if (both && l) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(patch: JSONValue[], serverOnly: JSONValue[], patchOrder: JSONValue[], serverOrder: JSONValue[], mergeKey: string, kind: string): JSONValue[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

/** sliceElementType's kind: all elements of one type, not lists. */
function sliceElementKind(...slices: JSONValue[][]): string {
  let prev: string | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = goKind(v);
      if (prev === undefined) {
        prev = k;
        if (k === 'slice') throw ErrNoListOfLists();
      } else if (prev !== k) {
        throw new PatchError(`list element types are not identical: ${goV(slices)}`);
      }
    }
  }
  if (prev === undefined) throw new PatchError('no elements in any of the given slices');
  return prev;
}

// ================================================================ scalars

function sortScalars(s: JSONValue[]): JSONValue[] {
  return sortByGoString(s, goV);
}

/** deduplicateScalars (its swap-with-last algorithm, so the order is Go's). */
function deduplicateScalars(sIn: JSONValue[]): JSONValue[] {
  const s = [...sIn];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

// ================================================================ computing a patch

function diffMaps(original: JSONMap, modified: JSONMap, schema: LookupPatchMeta, opts: DiffOptions): JSONMap {
  const patch: JSONMap = {};
  const retainKeysList: JSONValue[] = [];
  for (const key of Object.keys(modified)) {
    const modifiedValue = modified[key];
    if (opts.buildRetainKeysDirective && modifiedValue !== null) retainKeysList.push(key);
    if (!has(original, key)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    const originalValue = original[key];
    if (key === DIRECTIVE) {
      if (typeof originalValue !== 'string' || typeof modifiedValue !== 'string') throw new PatchError(`invalid value for special key: ${DIRECTIVE}`);
      if (modifiedValue !== originalValue) patch[DIRECTIVE] = modifiedValue;
      continue;
    }
    if (goKind(originalValue) !== goKind(modifiedValue)) {
      if (!opts.ignoreChangesAndAdditions) patch[key] = modifiedValue;
      continue;
    }
    if (isMap(originalValue)) handleMapDiff(key, originalValue, modifiedValue as JSONMap, patch, schema, opts);
    else if (Array.isArray(originalValue)) handleSliceDiff(key, originalValue, modifiedValue as JSONValue[], patch, schema, opts);
    else replacePatchFieldIfNotEqual(key, originalValue, modifiedValue, patch, opts);
  }
  updatePatchIfMissing(original, modified, patch, opts);
  if (retainKeysList.length > 0 && (Object.keys(patch).length > 0 || hasAdditionalNewField(original, modified))) {
    patch[RETAIN_KEYS] = sortScalars(retainKeysList);
  }
  return patch;
}

function hasAdditionalNewField(original: JSONMap, modified: JSONMap): boolean {
  for (const [k, v] of Object.entries(original)) {
    if (v === null) continue;
    if (!has(modified, k)) return true;
  }
  return false;
}

function handleMapDiff(key: string, original: JSONMap, modified: JSONMap, patch: JSONMap, schema: LookupPatchMeta, optsIn: DiffOptions): void {
  let subschema: LookupPatchMeta;
  let strategies: string[];
  try {
    const [s, m] = schema.lookupStruct(key);
    subschema = s;
    strategies = m.strategies;
  } catch (e) {
    if (deepEqual(original, modified)) return;
    throw e;
  }
  const [retainKeys, strategy] = extractRetainKeysPatchStrategy(strategies);
  const opts = { ...optsIn, buildRetainKeysDirective: retainKeys };
  if (strategy === REPLACE) {
    if (!opts.ignoreChangesAndAdditions) patch[key] = modified;
    return;
  }
  const pv = diffMaps(original, modified, subschema, opts);
  if (Object.keys(pv).length > 0) patch[key] = pv;
}

function handleSliceDiff(key: string, original: JSONValue[], modified: JSONValue[], patch: JSONMap, schema: LookupPatchMeta, optsIn: DiffOptions): void {
  let subschema: LookupPatchMeta;
  let mergeKey: string;
  let strategies: string[];
  try {
    const [s, m] = schema.lookupSlice(key);
    subschema = s;
    mergeKey = m.mergeKey;
    strategies = m.strategies;
  } catch (e) {
    if (deepEqual(original, modified)) return;
    throw e;
  }
  const [retainKeys, strategy] = extractRetainKeysPatchStrategy(strategies);
  if (strategy !== MERGE) {
    replacePatchFieldIfNotEqual(key, original, modified, patch, optsIn);
    return;
  }
  const opts = { ...optsIn, buildRetainKeysDirective: retainKeys };
  const [addList, deletionList, setOrderList] = diffLists(original, modified, subschema, mergeKey, opts);
  if (addList.length > 0) patch[key] = addList;
  if (deletionList.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}/${key}`] = deletionList;
  if (setOrderList.length > 0) patch[`${SET_ELEMENT_ORDER}/${key}`] = setOrderList;
}

function replacePatchFieldIfNotEqual(key: string, original: JSONValue, modified: JSONValue, patch: JSONMap, opts: DiffOptions): void {
  if (opts.ignoreChangesAndAdditions) return;
  if (deepEqual(original, modified)) return;
  patch[key] = modified;
}

function updatePatchIfMissing(original: JSONMap, modified: JSONMap, patch: JSONMap, opts: DiffOptions): void {
  if (opts.ignoreDeletions) return;
  for (const key of Object.keys(original)) if (!has(modified, key)) patch[key] = null;
}

function diffLists(original: JSONValue[], modified: JSONValue[], schema: LookupPatchMeta, mergeKey: string, opts: DiffOptions): [JSONValue[], JSONValue[], JSONValue[]] {
  if (original.length === 0) {
    if (modified.length === 0 || opts.ignoreChangesAndAdditions) return [[], [], []];
    return [modified, [], []];
  }
  const kind = sliceElementKind(original, modified);
  let patchList: JSONValue[];
  let deleteList: JSONValue[];
  let setOrderList: JSONValue[] = [];
  if (kind === 'map') {
    [patchList, deleteList] = diffListsOfMaps(original, modified, schema, mergeKey, opts);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, kind);
    const orderSame = isOrderSame(original, modified, mergeKey);
    patchList = [...patchList, ...deleteList];
    deleteList = [];
    if (
      opts.setElementOrder &&
      ((!opts.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!opts.ignoreDeletions && patchList.length > 0))
    ) {
      setOrderList = modified.map((v) => ({ [mergeKey]: (v as JSONMap)[mergeKey] }));
    }
  } else if (kind === 'slice') {
    throw ErrNoListOfLists();
  } else {
    [patchList, deleteList] = diffListsOfScalars(original, modified, opts);
    patchList = normalizeSliceOrder(patchList, modified, mergeKey, kind);
    if (opts.setElementOrder && ((!opts.ignoreDeletions && deleteList.length > 0) || (!opts.ignoreChangesAndAdditions && !deepEqual(original, modified)))) {
      setOrderList = modified;
    }
  }
  return [patchList, deleteList, setOrderList];
}

function isOrderSame(original: JSONValue[], modified: JSONValue[], mergeKey: string): boolean {
  if (original.length !== modified.length) return false;
  for (let i = 0; i < modified.length; i++) if (!mergeKeyValueEqual(original[i], modified[i], mergeKey)) return false;
  return true;
}

function diffListsOfScalars(original: JSONValue[], modified: JSONValue[], opts: DiffOptions): [JSONValue[], JSONValue[]] {
  const o = sortScalars([...original]);
  const m = sortScalars([...modified]);
  let oi = 0;
  let mi = 0;
  const add: JSONValue[] = [];
  const del: JSONValue[] = [];
  for (;;) {
    const oin = oi < o.length;
    const min = mi < m.length;
    if (!oin && !min) break;
    const os = oin ? goV(o[oi]) : '';
    const ms = min ? goV(m[mi]) : '';
    const both = oin && min;
    if (both && os === ms) {
      oi++;
      mi++;
    } else if (!oin || (both && byteOrder(os, ms) > 0)) {
      if (!opts.ignoreChangesAndAdditions) add.push(m[mi]);
      mi++;
    } else {
      if (!opts.ignoreDeletions) del.push(o[oi]);
      oi++;
    }
  }
  return [add, deduplicateScalars(del)];
}

function sortMergeListsByNameArray(s: JSONValue[], mergeKey: string): JSONValue[] {
  if (s.length === 0) return s;
  const kind = sliceElementKind(s);
  if (kind !== 'map') return sortScalars(deduplicateScalars(s));
  return sortByGoString([...s], (m) => goV((m as JSONMap)[mergeKey]));
}

function diffListsOfMaps(original: JSONValue[], modified: JSONValue[], schema: LookupPatchMeta, mergeKey: string, opts: DiffOptions): [JSONValue[], JSONValue[]] {
  const patch: JSONValue[] = [];
  const deletions: JSONValue[] = [];
  const o = sortMergeListsByNameArray(original, mergeKey);
  const m = sortMergeListsByNameArray(modified, mergeKey);
  const at = (list: JSONValue[], i: number): [JSONMap, JSONValue] => {
    const e = list[i];
    if (!isMap(e)) throw ErrBadArgType('map[string]interface {}', e);
    if (!has(e, mergeKey)) throw ErrNoMergeKey(e, mergeKey);
    return [e, e[mergeKey]];
  };
  let oi = 0;
  let mi = 0;
  for (;;) {
    const oin = oi < o.length;
    const min = mi < m.length;
    if (!oin && !min) break;
    let oe: JSONMap | undefined;
    let me: JSONMap | undefined;
    let ok: JSONValue = null;
    let mk: JSONValue = null;
    if (oin) [oe, ok] = at(o, oi);
    if (min) [me, mk] = at(m, mi);
    const os = oin ? goV(ok) : '';
    const ms = min ? goV(mk) : '';
    const both = oin && min;
    if (both && os === ms) {
      const pv = diffMaps(oe!, me!, schema, opts);
      if (Object.keys(pv).length > 0) {
        pv[mergeKey] = mk;
        patch.push(pv);
      }
      oi++;
      mi++;
    } else if (!oin || (both && byteOrder(os, ms) > 0)) {
      if (!opts.ignoreChangesAndAdditions) patch.push(me!);
      mi++;
    } else {
      if (!opts.ignoreDeletions) deletions.push({ [mergeKey]: ok, [DIRECTIVE]: DELETE });
      oi++;
    }
  }
  return [patch, deletions];
}

/**
 * CreateThreeWayMergePatch(original, modified, current, schema, overwrite=true): the deletions
 * from original to modified plus the changes from current to modified. `{}` when there is nothing
 * to change. Throws PatchError.
 */
export function createThreeWayMergePatch(original: JSONMap, modified: JSONMap, current: JSONMap, schema: LookupPatchMeta): JSONMap {
  const delta = diffMaps(clone(current), clone(modified), schema, { ignoreDeletions: true, setElementOrder: true });
  const deletions = diffMaps(clone(original), clone(modified), schema, { setElementOrder: true, ignoreChangesAndAdditions: true });
  return mergeMap(deletions, delta, schema, { mergeParallelList: false, ignoreUnmatchedNulls: false });
}

/** CreateTwoWayMergePatch: what turns original into modified. */
export function createTwoWayMergePatch(original: JSONMap, modified: JSONMap, schema: LookupPatchMeta): JSONMap {
  return diffMaps(clone(original), clone(modified), schema, { setElementOrder: true });
}
