// A tiny error taxonomy, as changesets keeps it:
//  - UserError: the user's mistake or a state kubectl would report. Its message is printed to
//    stderr exactly as given (already in kubectl's words) and the process exits with exitCode.
//  - anything else is a bug: the single exit point prints it with "this is a bug" and a stack.
// StatusError mirrors an apiserver Status (NotFound, AlreadyExists, Conflict, Invalid, ...): the
// CLI decides how to word it (kubectl prints "Error from server (Reason): message").

export class UserError extends Error {
  constructor(message: string, public readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** metav1.StatusReason; 'Unknown' is the empty reason (kubectl prints `Error from server: <message>`). */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Unknown';

export interface StatusCause { field: string; message: string; type?: string }

/** An apiserver Status error. `message` is the Status message (e.g. `jobs.batch "pi" not found`). */
export class StatusError extends Error {
  constructor(
    public readonly reason: StatusReason,
    message: string,
    /** unqualified: NewGenericServerResponse's Status for no resource (a JSON patch that cannot apply): details without a kind */
    public readonly details: { kind?: string; name?: string; group?: string; causes?: StatusCause[]; unqualified?: boolean } = {},
  ) {
    super(message);
    this.name = 'StatusError';
  }

  /** What kubectl prints for this error (cmd/util/helpers.go checkErr / StandardErrorMessage). */
  kubectlMessage(): string {
    if (this.reason === 'Invalid' && this.details.causes && this.details.kind) {
      const head = `The ${this.details.kind} "${this.details.name ?? ''}" is invalid: `;
      const causes = this.details.causes;
      if (causes.length === 1) return head + fieldErrorText(causes[0]);
      return head + '\n' + causes.map((c) => `* ${fieldErrorText(c)}`).join('\n');
    }
    if (this.reason === 'Invalid' && !this.details.kind && !this.details.name) {
      // An Invalid Status about the request rather than an object (a patch that cannot be applied).
      const causes = this.details.causes ?? [];
      if (causes.length === 0) return `The request is invalid: ${this.message}`;
      return `The request is invalid: ${causes.length === 1 ? fieldErrorText(causes[0]) : `[${causes.map(fieldErrorText).join(', ')}]`}`;
    }
    if (this.reason === 'Unknown') return `Error from server: ${this.message}`;
    return `Error from server (${this.reason}): ${this.message}`;
  }
}

function fieldErrorText(c: StatusCause): string {
  return c.field ? `${c.field}: ${c.message}` : c.message;
}

/** `jobs.batch "x" not found`; resource is plural with group suffix ("pods" for core). */
export function notFound(groupResource: string, name: string): StatusError {
  return new StatusError('NotFound', `${groupResource} "${name}" not found`, { name });
}

export function alreadyExists(groupResource: string, name: string): StatusError {
  return new StatusError('AlreadyExists', `${groupResource} "${name}" already exists`, { name });
}

export function conflict(groupResource: string, name: string): StatusError {
  return new StatusError(
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name },
  );
}

/** 422 Invalid with field causes; kind is the bare Kind ("Job"), group e.g. "batch". */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): StatusError {
  const gk = group ? `${kind}.${group}` : kind;
  const body = causes.map(fieldErrorText);
  const msg = `${gk} "${name}" is invalid: ${body.length === 1 ? body[0] : `[${body.join(', ')}]`}`;
  return new StatusError('Invalid', msg, { kind, name, group, causes });
}

/**
 * What kubectl prints for the errors of one command (cmdutil.CheckErr): one as it is, ended by a
 * newline unless it has one; several (an aggregate), each without its "error: " prefix and followed
 * by a newline (MultipleErrors), so a message that ends with one is followed by an empty line.
 */
export function aggregateMessage(messages: string[]): string {
  if (messages.length === 1) return endLine(messages[0]);
  return messages.map((m) => m.replace(/^error: /, '') + '\n').join('');
}

/** A message as CheckErr prints it: ended by a newline unless it has one. */
const endLine = (message: string): string => (message.endsWith('\n') ? message : message + '\n');

/**
 * What a user's error (a StatusError, in kubectl's words, or a UserError) prints on stderr and its
 * exit code; undefined for anything else, which is a bug. The CLI's exit point and the engine's
 * (engine/main.ts) both report through it.
 */
export function userErrorReport(e: unknown): { stderr: string; exitCode: number } | undefined {
  if (e instanceof StatusError) return { stderr: e.kubectlMessage() + '\n', exitCode: 1 };
  if (e instanceof UserError) return { stderr: endLine(e.message), exitCode: e.exitCode };
  return undefined;
}
