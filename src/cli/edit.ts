// `kjob edit TYPE NAME`: kubectl's edit (pkg/cmd/util/editor/editoptions.go, editor.go). The
// objects, as the server has them, are written to a temporary file under kubectl's header comment
// and opened in $KUBE_EDITOR, $EDITOR or vi; what changed is sent as a two-way strategic merge
// patch. An invalid edit re-opens the file with the reasons on top; an edit left unchanged after
// that keeps the file and says where.
import { namespaceMismatch } from './args.js';
import { printServerWarnings } from './global_flags.js';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as YAML from 'yaml';
import type { KObject } from '../api/types.js';
import { GO_YAML_OPTIONS, parseManifestText } from '../api/manifests.js';
import { kindGroup, type ResourceInfo } from '../api/resources.js';
import { createTwoWayMergePatch, PatchError } from '../api/patch/strategic.js';
import { patchMetaForKind } from '../api/patch/meta.js';
import { asJSONMap, type JSONMap } from '../api/patch/gofmt.js';
import { validationDirective } from '../apiserver/decode.js';
import { UserError, StatusError } from '../errors.js';
import { toYAML, toJSON, nameOf } from '../printers/output.js';
import { withLastApplied } from './apply.js';
import { visit, errorText, type Info } from './builder.js';
import type { Context } from './context.js';
import type { IO } from './io.js';
import { kindErrors } from './validate_kind.js';

export interface EditOptions {
  filenames?: string[];
  recursive?: boolean;
  output?: string;
  outputPatch?: boolean;
  saveConfig?: boolean;
  validate?: string | boolean;
  fieldManager?: string;
  /** the program's name in temporary file names and messages ("kjob") */
  program?: string;
}

const HEADER = `# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
`;

interface Reason {
  head: string;
  other: string[];
}

/** editor.go defaultEnvEditor: $KUBE_EDITOR, $EDITOR, vi; split at spaces, or run by $SHELL -c when quoted. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): { args: string[]; shell: boolean } {
  const editor = env.KUBE_EDITOR || env.EDITOR || 'vi';
  if (!editor.includes(' ')) return { args: [editor], shell: false };
  if (!/["'\\]/.test(editor)) return { args: editor.split(' '), shell: false };
  return { args: [env.SHELL || '/bin/bash', '-c', editor], shell: true };
}

function launch(file: string, io: IO): void {
  const { args, shell } = editorCommand();
  const abs = path.resolve(file);
  const argv = shell ? [...args.slice(0, -1), `${args[args.length - 1]} ${JSON.stringify(abs)}`] : [...args, abs];
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
  void io;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`error: unable to launch the editor ${JSON.stringify(args.join(' '))}`);
  if (r.error || r.status !== 0) throw new UserError(`error: there was a problem with the editor ${JSON.stringify(args.join(' '))}`);
}

/** os.CreateTemp(prefix*suffix): a new file named with random digits. */
function tempFile(prefix: string, ext: string, content: string): string {
  for (;;) {
    const name = path.join(tmpdir(), `${prefix}${randomInt(1e9, 4e9)}${ext}`);
    try {
      fs.writeFileSync(name, content, { flag: 'wx', mode: 0o600 });
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** cmdutil.ManualStrip: drop comment lines (not #!). */
function manualStrip(s: string): string {
  return s
    .split('\n')
    .filter((l) => !(l.trim().startsWith('#') && !l.trim().startsWith('#!')))
    .join('\n');
}

/** cmdutil.StripComments: the document as JSON when it parses, else without its comment lines. */
function stripComments(s: string): string {
  try {
    const docs = YAML.parseAllDocuments(s, GO_YAML_OPTIONS);
    if (docs.length <= 1 && !docs.some((d) => d.errors.length)) return JSON.stringify(docs[0]?.toJSON() ?? null);
  } catch {
    /* fall through */
  }
  return manualStrip(s);
}

function hasLines(s: string): boolean {
  return s.split('\n').some((l) => {
    const t = l.trim();
    return t.length > 0 && t[0] !== '#';
  });
}

/** editoptions.go hashOnLineBreak: continuation lines of a reason keep the comment mark. */
function hashOnLineBreak(s: string): string {
  return s.replace(/\n(?!#)/g, '\n# ');
}

function header(reasons: Reason[]): string {
  let h = HEADER;
  for (const r of reasons) {
    h += r.other.length ? `# ${hashOnLineBreak(r.head)}:\n` : `# ${hashOnLineBreak(r.head)}\n`;
    for (const o of r.other) h += `# * ${hashOnLineBreak(o)}\n`;
    h += '#\n';
  }
  return h;
}

function resourceString(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** preservedFile: say where the edited file is kept, then fail with err. */
function preserved(err: string, file: string | undefined, io: IO): never {
  if (file && fs.existsSync(file)) io.err(`A copy of your changes has been stored to ${JSON.stringify(file)}\n`);
  throw new UserError(err);
}

export async function edit(ctx: Context, args: string[], opts: EditOptions, io: IO): Promise<number> {
  const format = opts.output ?? 'yaml';
  if (!['yaml', 'json'].includes(format)) throw new UserError(`error: unable to match a printer suitable for the output format "${format}", allowed formats are: json,yaml`);
  const program = opts.program ?? 'kjob';
  const validation = validationDirective(opts.validate);
  if (args.length === 0 && !(opts.filenames ?? []).length) {
    throw new UserError(`error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`);
  }
  const v = await visit(ctx, args, { filenames: opts.filenames, recursive: opts.recursive, all: args.length === 1 && !args[0].includes('/') });
  const errors = v.items.filter((i): i is { error: unknown } => 'error' in i).map((i) => errorText(i.error));
  const infos = v.items.filter((i): i is Info => !('error' in i));
  if (errors.length) {
    io.err(errors.join('\n') + '\n');
    return 1;
  }
  if (infos.length === 0) throw new UserError('error: edit cancelled, no objects found');

  const objects = infos.map((i) => {
    const o = structuredClone(i.object);
    delete (o.metadata as Record<string, unknown>).managedFields;
    return o;
  });
  const originalObj = objects.length === 1 ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  const print = (o: unknown) => (format === 'json' ? toJSON(o) : toYAML(o));
  const ext = format === 'json' ? '.json' : '.yaml';

  let reasons: Reason[] = [];
  let containsError = false;
  let original = '';
  let edited = '';
  let resultsFile: string | undefined;
  for (;;) {
    // JSON is edited without the header (editPrinterOptions.addHeader)
    let buf = format === 'json' ? '' : header(reasons);
    if (!containsError) {
      buf += print(originalObj);
      original = buf;
    } else {
      buf += manualStrip(edited);
    }
    const editedBefore = edited;
    const file = tempFile(`${program}-edit-`, ext, buf);
    try {
      launch(file, io);
    } catch (e) {
      preserved((e as Error).message.replace(/^error: /, 'error: '), resultsFile, io);
    }
    edited = fs.readFileSync(file, 'utf8');
    if (containsError && stripComments(editedBefore) === stripComments(edited)) preserved('error: Edit cancelled, no valid changes were saved.', file, io);
    if (resultsFile) fs.rmSync(resultsFile, { force: true });
    // client-side validation of the edited text (kubectl's pkg/validation ValidateBytes), first
    const invalidText = validateBytes(edited);
    if (invalidText !== undefined) {
      resultsFile = file;
      containsError = true;
      const rs = resourceString(infos[0].info);
      reasons = [{ head: `${rs} ${JSON.stringify(infos[0].name)} was not valid`, other: [`<nil>: Invalid value: "The edited file failed validation": ${invalidText}`] }];
      io.err(`error: ${rs} ${JSON.stringify(infos[0].name)} is invalid\n`);
      continue;
    }
    if (stripComments(original) === stripComments(edited)) {
      fs.rmSync(file, { force: true });
      io.err('Edit cancelled, no changes made.\n');
      return 0;
    }
    if (!hasLines(edited)) {
      fs.rmSync(file, { force: true });
      io.err('Edit cancelled, saved file was empty.\n');
      return 0;
    }
    resultsFile = file;
    reasons = [];
    let updated: KObject[];
    try {
      updated = parseManifestText(edited, 'edited-file').map((d) => d.object as KObject);
    } catch (e) {
      containsError = true;
      reasons.push({ head: `The edited file had a syntax error: ${(e as Error).message.replace(/^error: /, '')}`, other: [] });
      continue;
    }
    containsError = false;
    // the namespace may not change
    for (const u of updated) {
      const ns = u.metadata?.namespace;
      if (ns && ns !== ctx.namespace && infos.find((i) => i.object.metadata.uid === u.metadata?.uid)?.info.namespaced) {
        preserved(namespaceMismatch(ns, ctx.namespace), file, io);
      }
    }
    let retryable = 0;
    let notfound = 0;
    let invalid = 0;
    for (const u of updated) {
      const orig = infos.find((i) => i.object.metadata.uid === u.metadata?.uid);
      if (!orig) preserved(`error: no original object found for ${JSON.stringify(u)}`, resultsFile, io);
      const origObj = objects[infos.indexOf(orig)];
      const modified = opts.saveConfig ? withLastApplied(u) : u;
      const originalJS = JSON.stringify(origObj);
      if (originalJS === JSON.stringify(modified)) {
        io.out(`${kindGroup(orig.info)}/${orig.name} skipped\n`);
        continue;
      }
      if (modified.apiVersion !== origObj.apiVersion || modified.kind !== origObj.kind || modified.metadata?.name !== origObj.metadata.name) {
        preserved('error: At least one of apiVersion, kind and name was changed', resultsFile, io);
      }
      let patch: JSONMap;
      try {
        patch = createTwoWayMergePatch(asJSONMap(origObj), asJSONMap(modified), patchMetaForKind(orig.info.kind));
      } catch (e) {
        if (e instanceof PatchError) preserved(`error: ${e.message}`, resultsFile, io);
        throw e;
      }
      if (opts.outputPatch) io.out(`Patch: ${JSON.stringify(patch)}\n`);
      try {
        const r = await ctx.client.patch(orig.info, orig.namespace, orig.name, 'strategic', patch, { fieldValidation: validation, fieldManager: opts.fieldManager ?? 'kubectl-edit' });
        printServerWarnings(io, r.warnings);
        if (opts.output === 'yaml') io.out(toYAML(r.object));
        else if (opts.output === 'json') io.out(toJSON(r.object));
        else io.out(`${kindGroup(orig.info)}/${orig.name} edited\n`);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        const rs = resourceString(orig.info);
        if (e.reason === 'Invalid') {
          invalid++;
          reasons.push({ head: `${rs} ${JSON.stringify(orig.name)} was not valid`, other: (e.details.causes ?? []).map((c) => `${c.field}: ${c.message}`) });
          io.err(`error: ${rs} ${JSON.stringify(orig.name)} is invalid\n`);
        } else if (e.reason === 'NotFound') {
          notfound++;
          io.err(`error: ${rs} ${JSON.stringify(orig.name)} could not be found on the server\n`);
        } else {
          retryable++;
          io.err(`error: ${rs} ${JSON.stringify(orig.name)} could not be patched: ${e.kubectlMessage().replace(/^Error from server \(\w+\): /, '')}\n`);
        }
      }
    }
    if (retryable > 0) {
      io.err(`You can run \`${program} replace -f ${resultsFile}\` to try this update again.\n`);
      return 1;
    }
    if (notfound > 0) {
      io.err(`The edits you made on deleted resources have been saved to ${JSON.stringify(resultsFile)}\n`);
      return 1;
    }
    if (invalid === 0) {
      fs.rmSync(resultsFile, { force: true });
      return 0;
    }
    containsError = true;
  }
}

void nameOf;

/** pkg/validation: parse (YAML to JSON) and getObjectKind; the error's text, or undefined. */
function validateBytes(text: string): string | undefined {
  let obj: unknown;
  try {
    const docs = parseManifestTextRaw(text);
    obj = docs;
  } catch (e) {
    return (e as Error).message.replace(/^error: error parsing edited-file: error converting YAML to JSON: /, '').replace(/^error: /, '');
  }
  let errs = kindErrors(obj);
  const f = obj as Record<string, unknown>;
  if (!errs.length && f.apiVersion === 'v1' && f.kind === 'List') {
    errs = Array.isArray(f.items) ? f.items.flatMap(kindErrors) : ['invalid object to validate'];
  }
  if (!errs.length) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
}

/** The first document of the text as YAML (or JSON) values, with go-yaml's errors (via the manifest reader). */
function parseManifestTextRaw(text: string): unknown {
  const stripped = manualStrip(text);
  const docs = YAML.parseAllDocuments(stripped, GO_YAML_OPTIONS);
  const first = docs[0];
  if (!first || first.errors.length) {
    // the manifest reader words YAML errors as go-yaml does
    parseManifestText(stripped, 'edited-file');
    if (!first) return null;
  }
  return first.toJSON();
}
