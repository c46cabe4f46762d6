// Flags kubectl v1.32 still accepts but has deprecated: pflag prints its notice on stderr when
// the flag is given, and the command goes on. `--record` is the one older tutorials carry
// (`kubectl apply -f job.yaml --record`).
import { Command, Option } from 'commander';

/** The verbs whose kubectl v1.32 command has --record (apply, create -f, edit, label, ...). */
const RECORD_VERBS = ['apply', 'create', 'edit', 'label', 'annotate', 'patch', 'scale', 'run'];

export function addDeprecatedFlags(program: Command, err: (s: string) => void): void {
  for (const c of program.commands) {
    if (!RECORD_VERBS.includes(c.name())) continue;
    // kjob does not write the kubernetes.io/change-cause annotation --record asks for
    c.addOption(new Option('--record', 'record the command in the kubernetes.io/change-cause annotation (deprecated; kjob: not written)').hideHelp());
  }
  program.hook('preAction', (_root, action) => {
    if (RECORD_VERBS.includes(action.name()) && action.parent === program && action.opts().record !== undefined) {
      err('Flag --record has been deprecated, --record will be removed in the future\n');
    }
  });
}
