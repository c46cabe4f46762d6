// Path relations the kubelet checks on absolute, normalised paths (no trailing slash but for '/').

/** Whether the absolute path p is dir or inside it. */
export function atOrUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);
}
