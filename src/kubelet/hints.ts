// What kjob adds to a cluster's messages where its one difference shows: a pod runs this
// machine's programs, not its image's. A command the image would have had may not be installed
// here; these hints say so, and name the Debian package that has it.

/** Debian (bookworm) packages of commands that manifests commonly run. */
export const DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  awk: 'gawk',
  bash: 'bash',
  bc: 'bc',
  curl: 'curl',
  dig: 'bind9-dnsutils',
  file: 'file',
  gawk: 'gawk',
  git: 'git',
  gzip: 'gzip',
  host: 'bind9-host',
  ip: 'iproute2',
  jq: 'jq',
  less: 'less',
  make: 'make',
  nc: 'netcat-openbsd',
  node: 'nodejs',
  nslookup: 'bind9-dnsutils',
  openssl: 'openssl',
  perl: 'perl',
  php: 'php-cli',
  ping: 'iputils-ping',
  ps: 'procps',
  python: 'python-is-python3',
  python3: 'python3',
  rev: 'util-linux',
  ruby: 'ruby',
  sqlite3: 'sqlite3',
  ssh: 'openssh-client',
  tar: 'tar',
  traceroute: 'traceroute',
  unzip: 'unzip',
  wget: 'wget',
  xxd: 'xxd',
  zip: 'zip',
  zsh: 'zsh',
};

const NOT_PULLED = (image: string) => `kjob runs this machine's programs, not those of image "${image}"`;

function installHint(command: string): string {
  const base = command.split('/').pop() ?? command;
  const pkg = DEBIAN_PACKAGES[base];
  return pkg ? `; install it with: apt-get install ${pkg}` : '';
}

/**
 * The Warning that goes with a StartError whose command is missing on this machine (runc's
 * "executable file not found in $PATH" or "no such file or directory"), or undefined for other
 * start failures.
 */
export function missingExecutableHint(failure: string, command: string, image: string): string | undefined {
  if (failure.includes('executable file not found in $PATH')) {
    return `${NOT_PULLED(image)}, and "${command}" is not installed here${installHint(command)}`;
  }
  if (failure.includes(`stat ${command}: no such file or directory`)) {
    return `${NOT_PULLED(image)}, and "${command}" does not exist here${installHint(command)}`;
  }
  return undefined;
}

/** "sh: 1: ping: not found" (dash), "bash: line 1: ping: command not found", "env: 'ping': No such file or directory". */
const SHELL_NOT_FOUND = /(?:^|\s|: )([A-Za-z0-9_.+-]+): (?:command )?not found$|env: '([^']+)': No such file or directory$/m;

/**
 * The Warning for a container that exited 127 (a shell's "command not found") or 126 (found, not
 * executable), naming the command when its log does.
 */
export function exitCodeHint(exitCode: number, container: string, image: string, log = ''): { reason: string; message: string } | undefined {
  if (exitCode === 127) {
    const m = SHELL_NOT_FOUND.exec(log.split('\n').filter(Boolean).slice(-20).join('\n'));
    const cmd = m?.[1] ?? m?.[2];
    const what = cmd ? `"${cmd}" was not found` : 'a command was not found (see its log)';
    return { reason: 'CommandNotFound', message: `Container ${container} exited with code 127: ${what}; ${NOT_PULLED(image)}${cmd ? `, and "${cmd}" is not installed here${installHint(cmd)}` : ''}` };
  }
  if (exitCode === 126) {
    return { reason: 'CommandNotExecutable', message: `Container ${container} exited with code 126: a command was found but could not be run (no execute permission, or not a program for this machine); see its log` };
  }
  return undefined;
}
