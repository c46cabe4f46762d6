// The builder's metadata check: each message is what kubectl v1.32 printed for the same manifest
// (`kubectl create --dry-run=client -f m.yaml`), with nothing sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from '../api/manifests.js';
import { mapManifest } from './mapper.js';

const cm = (meta: string) => parseManifestText(`apiVersion: v1\nkind: ConfigMap\n${meta}\n`, 'm.yaml')[0].object;
const refused = (meta: string) => {
  try {
    mapManifest(cm(meta), 'm.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

test('metadata that does not decode as ObjectMeta is refused before the kind is mapped, as kubectl refuses it', () => {
  const pre = 'error: unable to decode "m.yaml": ';
  assert.equal(refused('metadata:\n  name: x1\n  labels: foo'), pre + 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.labels of type map[string]string');
  assert.equal(refused('metadata:\n  name: x3\n  labels:\n    a: 1'), pre + 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(refused('metadata:\n  name: x5\n  generation: "5"'), pre + 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64');
  assert.equal(refused('metadata:\n  name: 7'), pre + 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string');
  assert.equal(refused('metadata:\n  name: x6\n  finalizers: a'), pre + 'json: cannot unmarshal string into Go struct field ObjectMeta.metadata.finalizers of type []string');
  assert.equal(refused('metadata: 5'), pre + 'json: cannot unmarshal number into Go struct field metadataOnlyObject.metadata of type v1.ObjectMeta');
  assert.equal(refused('metadata:\n  name: x7\n  creationTimestamp: garbage'), pre + 'parsing time "garbage" as "2006-01-02T15:04:05Z07:00": cannot parse "garbage" as "2006"');
  assert.equal(refused('metadata:\n  name: x8\n  ownerReferences:\n  - uid: 5'), pre + 'json: cannot unmarshal number into Go struct field OwnerReference.metadata.ownerReferences.uid of type types.UID');
  // The first in the converted JSON's order (its keys sorted): annotations before labels.
  assert.equal(refused('metadata:\n  name: x9\n  labels:\n    b: 1\n  annotations:\n    a: true'), pre + 'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.annotations of type string');
  // Fields ObjectMeta does not have are not its business (the server's strict decoding says).
  assert.equal(refused('metadata:\n  name: x11\n  bogus: 1'), 'accepted');
  // A kind that does not map is refused for its metadata first, as kubectl decodes before it maps.
  assert.throws(() => mapManifest({ apiVersion: 'v1', kind: 'Foo', metadata: { name: 7 } }, 'f.yaml'), { message: 'error: unable to decode "f.yaml": json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type string' });
  assert.throws(() => mapManifest({ apiVersion: 'v1', kind: 'Foo', metadata: { name: 'a' } }, 'f.yaml'), /no matches for kind "Foo" in version "v1"/);
  // apiVersion before metadata (kubectl v1.32, apply --validate=false of `apiVersion: 5`).
  assert.throws(() => mapManifest({ apiVersion: 5, kind: 'ConfigMap', metadata: { name: 7 } }, 'f.yaml'), { message: 'error: unable to decode "f.yaml": json: cannot unmarshal number into Go struct field metadataOnlyObject.apiVersion of type string' });
});

test("a List's items are not checked: kubectl's builder decodes the List document, then flattens it", () => {
  const [item] = parseManifestText('apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n    labels: {a: 1}\n', 'l.yaml');
  assert.equal(item.fromList, true);
  assert.equal(mapManifest(item.object, item.source, item.fromList).kind, 'ConfigMap');
});
