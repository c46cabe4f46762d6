// apimachinery labels.FormatLabels and metav1.FormatLabelSelector; selector semantics live in
// src/api/labels.ts.
import { selectorFromLabelSelector, type LabelSelectorLike } from '../api/labels.js';

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

/** labels.Selector.String() of metav1.LabelSelectorAsSelector(ls): "" for nil or empty selectors. */
export function labelSelectorString(ls: LabelSelectorLike | undefined | null): string {
  if (!ls) return '';
  try {
    return selectorFromLabelSelector(ls).string();
  } catch {
    return '<error>';
  }
}

/** metav1.FormatLabelSelector: the selector string, or "<none>". */
export function formatLabelSelector(ls: LabelSelectorLike | undefined | null): string {
  const s = labelSelectorString(ls);
  return s === '' ? '<none>' : s;
}
