// resource.Quantity (k8s.io/apimachinery/pkg/api/resource), exactly: a quantity is a rational
// number, so the downward API's rounding (ceil of value / divisor) and the scheduler's sums are
// free of floating-point error ("0.1" cpu is 100m, not 100.00000000000001m).
import type { Container, PodSpec } from 'kubernetes-types/core/v1.js';
import { isRestartableInitContainer } from './pod_util.js';

export interface Rational {
  num: bigint;
  den: bigint; // > 0
}

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** The exact value of a quantity ("500m", "64Mi", "1.5", "1e3", 2), or undefined when it does not parse. */
export function parseQuantityExact(q: unknown): Rational | undefined {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) return undefined;
    q = String(q);
  }
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m) return undefined;
  const [, sign, digits, exp, suffix] = m;
  const [int, frac = ''] = digits.split('.');
  let num = BigInt((int || '0') + frac);
  let den = 10n ** BigInt(frac.length);
  if (sign === '-') num = -num;
  if (exp !== undefined || (suffix !== undefined && suffix in DECIMAL)) {
    const e = exp !== undefined ? Number(exp.slice(1)) : DECIMAL[suffix!];
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else if (suffix !== undefined) {
    num *= 2n ** BigInt(BINARY[suffix]);
  }
  return { num, den };
}

/** ceil(a / b) for b > 0. */
function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** Quantity.Value(): the value rounded up to an integer. */
export function quantityValue(q: Rational): bigint {
  return ceilDiv(q.num, q.den);
}

/** Quantity.MilliValue(): the value in thousandths, rounded up. */
export function quantityMilliValue(q: Rational): bigint {
  return ceilDiv(q.num * 1000n, q.den);
}

export function addQuantities(a: Rational, b: Rational): Rational {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

export function compareQuantities(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export const ZERO: Rational = { num: 0n, den: 1n };

// ---------------------------------------------------------------- Quantity with its format

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A resource.Quantity: its exact value and the format String() prints it in. */
export interface Quantity {
  value: Rational;
  format: QuantityFormat;
}

/** resource.ParseQuantity: the format follows the suffix (Ki… binary, e3 exponent, else decimal). */
export function parseQuantity(q: unknown): Quantity | undefined {
  const value = parseQuantityExact(q);
  if (!value) return undefined;
  const s = String(q).trim();
  const format: QuantityFormat = /(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(s) ? 'BinarySI' : /\d[eE][+-]?\d+$/.test(s) ? 'DecimalExponent' : 'DecimalSI';
  return { value, format };
}

export function zeroQuantity(format: QuantityFormat = 'DecimalSI'): Quantity {
  return { value: ZERO, format };
}

/** q.Add(other): the receiver keeps its format. */
export function addQuantity(q: Quantity, other: Quantity): Quantity {
  return { value: addQuantities(q.value, other.value), format: q.format };
}

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Quantity.String(): the canonical form ("100m", "1500m", "2", "64Mi", "1k", "1e3", "0"). */
export function formatQuantity(q: Quantity): string {
  const { num, den } = q.value;
  if (num === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = num > -1024n * den && num < 1024n * den;
    if (small || num % den !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let n = num / den;
    let i = 0;
    while (i < BINARY_SUFFIX.length - 1 && n % 1024n === 0n) {
      n /= 1024n;
      i++;
    }
    return `${n}${BINARY_SUFFIX[i]}`;
  }
  // Decimal: an integer mantissa times 10^e, e a multiple of 3 no smaller than -9 (rounded up to
  // nanos, as the Quantity's infDec is), as large as the value allows.
  let m = ceilDiv(num * 10n ** 9n, den);
  let e = -9;
  while (m % 1000n === 0n && m !== 0n && (format === 'DecimalExponent' || e < 18)) {
    m /= 1000n;
    e += 3;
  }
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  return `${m}${DECIMAL_SUFFIX[e]}`;
}

// ---------------------------------------------------------------- pod requests and limits

export type ResourceList = Record<string, Quantity>;

function addResourceList(list: ResourceList, other: Record<string, unknown> | undefined): void {
  for (const [k, v] of Object.entries(other ?? {})) {
    const q = parseQuantity(v);
    if (!q) continue;
    list[k] = list[k] ? addQuantity(list[k], q) : q;
  }
}

function maxResourceList(list: ResourceList, other: ResourceList): void {
  for (const [k, q] of Object.entries(other)) {
    if (!list[k] || compareQuantities(q.value, list[k].value) > 0) list[k] = q;
  }
}

/**
 * resourcehelper.PodRequests / PodLimits: the sum over containers, at least the largest init
 * container (restartable init containers, sidecars, add to both), plus the pod overhead.
 */
export function podResources(pod: { spec?: Partial<PodSpec> }, which: 'requests' | 'limits'): ResourceList {
  const spec = pod.spec ?? {};
  const total: ResourceList = {};
  for (const c of spec.containers ?? []) addResourceList(total, c?.resources?.[which]);
  const sidecars: ResourceList = {};
  const initMax: ResourceList = {};
  for (const c of spec.initContainers ?? []) {
    let r: ResourceList;
    if (isRestartableInitContainer(c)) {
      addResourceList(total, c?.resources?.[which]);
      addResourceList(sidecars, c?.resources?.[which]);
      r = sidecars;
    } else {
      r = {};
      addResourceList(r, c?.resources?.[which]);
      for (const [k, q] of Object.entries(sidecars)) r[k] = r[k] ? addQuantity(r[k], q) : q;
    }
    maxResourceList(initMax, r);
  }
  maxResourceList(total, initMax);
  if (which === 'requests') addResourceList(total, spec.overhead);
  else {
    // Overhead adds to a limit only where the pod has one.
    for (const [k, v] of Object.entries(spec.overhead ?? {})) {
      const q = parseQuantity(v);
      if (q && total[k]) total[k] = addQuantity(total[k], q);
    }
  }
  return total;
}

// ---------------------------------------------------------------- the downward API's resourceFieldRef

/**
 * resourcehelper.ExtractContainerResourceValue: requests.* or limits.* of cpu, memory,
 * ephemeral-storage or hugepages-*, divided by the divisor (absent or zero: 1) and rounded up;
 * cpu is compared in millicores. An unset resource is 0. undefined for an unsupported resource.
 */
export function extractContainerResourceValue(ref: { resource?: string; divisor?: unknown }, container: Partial<Container> | undefined): string | undefined {
  const resource = ref.resource ?? '';
  const dot = resource.indexOf('.');
  const which = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  if (dot < 0 || (which !== 'requests' && which !== 'limits')) return undefined;
  if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) return undefined;
  let divisor = ref.divisor === undefined || ref.divisor === null ? undefined : parseQuantityExact(ref.divisor);
  if (!divisor || divisor.num === 0n) divisor = { num: 1n, den: 1n };
  const value = parseQuantityExact(container?.resources?.[which]?.[name] ?? '0') ?? ZERO;
  if (name === 'cpu') {
    const d = quantityMilliValue(divisor);
    return String(d === 0n ? 0n : ceilDiv(quantityMilliValue(value), d));
  }
  const d = quantityValue(divisor);
  return String(d === 0n ? 0n : ceilDiv(quantityValue(value), d));
}
