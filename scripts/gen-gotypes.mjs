#!/usr/bin/env node
// Reads the Go type declarations that a core/v1 PodTemplateSpec reaches (k8s.io/api core/v1 and
// k8s.io/apimachinery's meta/v1, types, intstr and resource) into a data file, for the port of
// go-spew's %#v printing that the pod-template-hash needs (src/util/spew.ts).
//   node scripts/gen-gotypes.mjs API_GIT_DIR APIMACHINERY_GIT_DIR [TAG] > src/api/openapi/v1.32.gotypes.json
// API_GIT_DIR and APIMACHINERY_GIT_DIR: clones of kubernetes/api and kubernetes/apimachinery
// (read with `git show TAG:path`); TAG: v0.32.0 (Kubernetes v1.32) unless given.
import { execFileSync } from 'node:child_process';

const [apiDir, machDir, tag = 'v0.32.0'] = process.argv.slice(2);
if (!apiDir || !machDir) {
  process.stderr.write('usage: gen-gotypes.mjs API_GIT_DIR APIMACHINERY_GIT_DIR [TAG]\n');
  process.exit(2);
}
const show = (dir, file) => execFileSync('git', ['--git-dir', dir.endsWith('.git') || dir.endsWith('repo') ? dir : `${dir}/.git`, 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 << 20 });

// Our package keys, the import names the files use for them, and the name reflect prints.
const PKGS = {
  core: { files: [[apiDir, 'core/v1/types.go']], imports: { metav1: 'meta', types: 'types', intstr: 'intstr', resource: 'resource' } },
  meta: { files: [[machDir, 'pkg/apis/meta/v1/types.go'], [machDir, 'pkg/apis/meta/v1/time.go']], imports: { types: 'types', time: 'time' } },
  types: { files: [[machDir, 'pkg/types/uid.go']], imports: {} },
  intstr: { files: [[machDir, 'pkg/util/intstr/intstr.go']], imports: {} },
  resource: { files: [[machDir, 'pkg/api/resource/quantity.go'], [machDir, 'pkg/api/resource/amount.go']], imports: { inf: 'inf' } },
};
const PRINT = { core: 'v1', meta: 'v1', types: 'types', intstr: 'intstr', resource: 'resource', time: 'time', inf: 'inf' };
const BUILTIN = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64', 'byte', 'uintptr']);

/** A type expression of package pkg, with every named type qualified as `pkg.Name`. */
function qualify(expr, pkg) {
  expr = expr.trim();
  if (expr.startsWith('*')) return `*${qualify(expr.slice(1), pkg)}`;
  if (expr.startsWith('[]')) return `[]${qualify(expr.slice(2), pkg)}`;
  const m = /^map\[([^\]]+)\](.+)$/.exec(expr);
  if (m) return `map[${qualify(m[1], pkg)}]${qualify(m[2], pkg)}`;
  if (BUILTIN.has(expr)) return expr === 'byte' ? 'uint8' : expr;
  const dot = expr.indexOf('.');
  if (dot >= 0) {
    const imp = expr.slice(0, dot);
    const target = PKGS[pkg].imports[imp];
    if (!target) return `${imp}.${expr.slice(dot + 1)}`; // a package not read: an error only if a PodTemplateSpec reaches it
    return `${target}.${expr.slice(dot + 1)}`;
  }
  return `${pkg}.${expr}`;
}

const decls = {};
for (const [pkg, { files }] of Object.entries(PKGS)) {
  for (const [dir, file] of files) {
    const lines = show(dir, file).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const head = /^type (\w+) (.+?)\s*(\/\/.*)?$/.exec(lines[i]);
      if (!head) continue;
      const [, name, rest] = head;
      const key = `${pkg}.${name}`;
      if (rest === 'struct {') {
        const fields = [];
        for (i++; i < lines.length && lines[i] !== '}'; i++) {
          // A field is one tab in: a name and a type, or an embedded type (comments, and the
          // continuation lines of comments, are skipped).
          if (!/^\t[*A-Za-z_]/.test(lines[i])) continue;
          const l = lines[i].replace(/\s*\/\/.*$/, '').trim();
          if (!l) continue;
          const tagM = /`([^`]*)`/.exec(l);
          const jsonTag = tagM && /json:"([^"]*)"/.exec(tagM[1]);
          const body = l.replace(/`[^`]*`/, '').trim();
          const parts = body.split(/\s+/);
          let fname, ftype, embedded = false;
          if (parts.length === 1) {
            ftype = parts[0];
            fname = ftype.replace(/^\*/, '').replace(/^.*\./, '');
            embedded = true;
          } else {
            [fname, ftype] = [parts[0], parts.slice(1).join(' ')];
          }
          const json = jsonTag ? jsonTag[1].split(',')[0] : undefined;
          const inline = embedded && (!jsonTag || jsonTag[1].split(',')[0] === '' || jsonTag[1].includes('inline'));
          fields.push({ name: fname, type: qualify(ftype, pkg), ...(json !== undefined && json !== '' ? { json } : {}), ...(inline ? { inline: true } : {}) });
        }
        decls[key] = { kind: 'struct', fields };
      } else if (!rest.includes('{') && !rest.startsWith('func') && !rest.startsWith('interface') && !rest.startsWith('=')) {
        decls[key] = { kind: 'named', underlying: qualify(rest, pkg) };
      }
    }
  }
}
// The standard library's and inf's, as reflect sees them.
decls['time.Time'] = { kind: 'struct', fields: [{ name: 'wall', type: 'uint64' }, { name: 'ext', type: 'int64' }, { name: 'loc', type: '*time.Location' }] };
decls['time.Location'] = { kind: 'opaque' };
decls['inf.Dec'] = { kind: 'opaque' };

// Keep what a PodTemplateSpec reaches.
const keep = {};
const visit = (t) => {
  const m = /^(?:\*|\[\])(.+)$/.exec(t);
  if (m) return visit(m[1]);
  const mm = /^map\[([^\]]+)\](.+)$/.exec(t);
  if (mm) return visit(mm[1]), visit(mm[2]);
  if (BUILTIN.has(t) || keep[t]) return;
  const d = decls[t];
  if (!d) throw new Error(`undeclared type ${t}`);
  keep[t] = d;
  if (d.kind === 'struct') for (const f of d.fields) visit(f.type);
  if (d.kind === 'named') visit(d.underlying);
};
visit('core.PodTemplateSpec');
const sorted = Object.fromEntries(Object.keys(keep).sort().map((k) => [k, keep[k]]));
process.stdout.write(JSON.stringify({ source: `k8s.io/api and k8s.io/apimachinery ${tag}`, packages: PRINT, types: sorted }, null, 1) + '\n');
