// `kjob completion bash|zsh` prints a shell completion script; the script asks
// `kjob __complete WORD...` for candidates, as cobra's scripts ask `kubectl __complete`, so verbs
// and flags come from the command tree and object names from this state directory.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { RESOURCES, resolveResource } from '../api/resources.js';
import { UserError } from '../errors.js';
import type { Context } from './context.js';
import type { IO } from './io.js';

const BASH = `# kjob completion for bash: source <(kjob completion bash)
_kjob_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local IFS=$'\\n'
  local candidates
  candidates=$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  if [ "$candidates" = ":files" ]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
  fi
}
complete -o default -F _kjob_complete kjob
`;

const ZSH = `#compdef kjob
# kjob completion for zsh: source <(kjob completion zsh)
_kjob() {
  local -a candidates
  local out
  out=$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null) || return
  if [[ "$out" == ":files" ]]; then
    _files
    return
  fi
  candidates=("\${(@f)out}")
  compadd -- "\${candidates[@]}"
}
if [ "$funcstack[1]" = "_kjob" ]; then
  _kjob "$@"
else
  compdef _kjob kjob
fi
`;

export function completion(shell: string | undefined, io: IO): number {
  if (!shell) throw new UserError("error: Shell not specified.\nSee 'kjob completion -h' for help and examples");
  if (shell === 'bash') io.out(BASH);
  else if (shell === 'zsh') io.out(ZSH);
  else throw new UserError(`error: Unsupported shell type "${shell}".\nSee 'kjob completion -h' for help and examples`);
  return 0;
}

/** Verbs whose operands are TYPE NAME... (or TYPE/NAME). */
const TYPED_VERBS = new Set(['get', 'describe', 'delete', 'wait', 'patch', 'schedule', 'scale', 'status', 'history', 'undo', 'restart']);
const OUTPUTS = ['json', 'yaml', 'wide', 'name', 'jsonpath='];
const GLOBAL_VALUE_FLAGS = new Set(['--home', '-n', '--namespace']);

/**
 * Candidates for the last word of `words` (the words after `kjob`, the one being completed last,
 * possibly empty). One per line; ":files" asks the shell to complete file names.
 */
export function complete(program: Command, words: string[], ctxFor: (opts: { home?: string; namespace?: string }) => Context): string[] {
  const done = words.slice(0, -1);
  const cur = words[words.length - 1] ?? '';
  const opts: { home?: string; namespace?: string } = {};
  let verb: Command | undefined;
  const operands: string[] = [];
  for (let i = 0; i < done.length; i++) {
    const w = done[i];
    if (GLOBAL_VALUE_FLAGS.has(w)) {
      const v = done[++i];
      if (w === '--home') opts.home = v;
      else opts.namespace = v;
    } else if (w.startsWith('--namespace=')) opts.namespace = w.slice('--namespace='.length);
    else if (w.startsWith('--home=')) opts.home = w.slice('--home='.length);
    else if (w.startsWith('-')) {
      if (verb && takesValue(verb, w) && !w.includes('=')) i++;
    } else if (!verb) verb = program.commands.find((c) => c.name() === w || c.aliases().includes(w));
    else if (verb.commands.length && !operands.length && verb.commands.some((c) => c.name() === w)) verb = verb.commands.find((c) => c.name() === w);
    else operands.push(w);
  }
  const prev = done[done.length - 1];
  if (prev === '-n' || prev === '--namespace') return names(ctxFor(opts), 'namespaces');
  if (prev === '--home' || prev === '-f' || prev === '--filename') return [':files'];
  if (prev === '-o' || prev === '--output') return OUTPUTS;
  if (!verb) {
    if (cur.startsWith('-')) return ['--home', '--namespace', '-n', '--help'];
    return program.commands.filter((c) => !c.name().startsWith('_')).map((c) => c.name());
  }
  if (cur.startsWith('-')) return verb.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => !!f);
  const name = verb.name();
  if (verb.commands.length && !operands.length) return verb.commands.map((c) => c.name());
  if (name === 'controller') return operands.length ? [] : ['status', 'start', 'stop', 'run'];
  if (name === 'clock') return operands.length ? [] : ['set', 'advance', 'reset'];
  if (name === 'completion') return operands.length ? [] : ['bash', 'zsh'];
  if (name === 'logs') return names(ctxFor(opts), 'pods');
  if (!TYPED_VERBS.has(name)) return [];
  if (cur.includes('/')) {
    const type = cur.slice(0, cur.indexOf('/'));
    return names(ctxFor(opts), type).map((n) => `${type}/${n}`);
  }
  if (!operands.length) return RESOURCES.filter((r) => r.kind !== 'Event' || name === 'get').map((r) => r.resource);
  return names(ctxFor(opts), operands[0].split(',')[0]);
}

function takesValue(cmd: Command, flag: string): boolean {
  const o = cmd.options.find((x) => x.long === flag || x.short === flag);
  return !!o && (o.required || o.optional) && !o.optional;
}

/** Names of objects of a type in the context's namespace, read from the state file if there is one. */
function names(ctx: Context, type: string): string[] {
  const info = resolveResource(type);
  if (!info || ctx.cluster || !fs.existsSync(path.join(ctx.home, 'state.db'))) return [];
  try {
    return ctx.store.list(info.kind, info.namespaced ? { namespace: ctx.namespace } : {}).map((o) => o.metadata.name!);
  } catch {
    return [];
  } finally {
    ctx.close();
  }
}
