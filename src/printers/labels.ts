// apimachinery labels.FormatLabels, labels.Selector.String() and metav1.FormatLabelSelector.

/** labels.FormatLabels: "k=v" strings sorted as whole strings, joined by ","; "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const l = Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`);
  l.sort(goCompare);
  const s = l.join(',');
  return s === '' ? '<none>' : s;
}

/** Go string comparison (bytewise on UTF-8; for BMP text code-unit order matches well enough). */
export function goCompare(a: string, b: string): number {
  const ba = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ba, bb);
}

export function goSort(xs: string[]): string[] {
  return xs.sort(goCompare);
}

interface LabelSelectorLike {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

/** labels.Selector.String() of metav1.LabelSelectorAsSelector(ls): "" for nil or empty selectors. */
export function labelSelectorString(ls: LabelSelectorLike | undefined | null): string {
  if (!ls) return '';
  const reqs: { key: string; s: string }[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key: k, s: `${k}=${v}` });
  for (const e of ls.matchExpressions ?? []) {
    const vals = goSort([...(e.values ?? [])]).join(',');
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, s: `${e.key} in (${vals})` }); break;
      case 'NotIn': reqs.push({ key: e.key, s: `${e.key} notin (${vals})` }); break;
      case 'Exists': reqs.push({ key: e.key, s: e.key }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, s: `!${e.key}` }); break;
      default: return '<error>';
    }
  }
  reqs.sort((a, b) => goCompare(a.key, b.key));
  return reqs.map((r) => r.s).join(',');
}

/** metav1.FormatLabelSelector: the selector string, or "<none>". */
export function formatLabelSelector(ls: LabelSelectorLike | undefined | null): string {
  const s = labelSelectorString(ls);
  return s === '' ? '<none>' : s;
}
