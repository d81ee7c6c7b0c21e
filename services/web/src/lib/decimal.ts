import { currentLang, localeOf } from '../i18n';
import type { Lang } from '../i18n';

// Amounts are Decimal strings in the API ("2950000000.00") and must add up exactly: a budget is
// balanced to the öre, and a float loses that beyond 2^53. They are held as BigInt at a fixed scale.

export const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** A Decimal string of the API to a scaled BigInt; throws on anything else (the API sends only these). */
export function parseDecimal(value: string): bigint {
  const scaled = toScaled(value);
  if (scaled === null) throw new RangeError(`not a decimal: ${value}`);
  return scaled;
}

function toScaled(text: string): bigint | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > SCALE) return null;
  const magnitude = BigInt(whole ?? '0') * FACTOR + BigInt(fraction.padEnd(SCALE, '0') || '0');
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * What a person typed into an amount field, or null when it is not an amount. Accepts "70 000 000",
 * "70000000,50", "-1 500", "−1 500" (the minus sign Intl writes); spaces, no-break and narrow no-break
 * spaces are dropped and a comma is the decimal sign. Precision is the API's to judge ("1,234" is
 * parsed, and the API refuses it with its own rule, shown at the cell).
 */
export function parseAmount(input: string): bigint | null {
  const text = input
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/\u2212/g, '-')
    .replace(',', '.');
  if (text === '' || text.includes(',')) return null;
  return toScaled(text);
}

/** A scaled BigInt as the API's Decimal string, without trailing zeros: 1234000n → "1.234". */
export function toDecimalString(value: bigint): string {
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const whole = magnitude / FACTOR;
  const fraction = (magnitude % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The exact sum of Decimal strings. */
export function sumDecimals(values: Iterable<string>): bigint {
  let total = 0n;
  for (const value of values) total += parseDecimal(value);
  return total;
}

function asDecimalString(value: bigint | string): string {
  return typeof value === 'bigint' ? toDecimalString(value) : toDecimalString(parseDecimal(value));
}

/** "2 950 000 000,00 kr": Intl formats the decimal string itself, so no digit passes through a float. */
export function formatSek(value: bigint | string, lang: Lang = currentLang()): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'currency', currency: 'SEK' }).format(
    asDecimalString(value) as Intl.StringNumericLiteral,
  );
}

/** A decimal number without currency, e.g. the tax rate "20,38". */
export function formatDecimal(
  value: bigint | string,
  lang: Lang = currentLang(),
  fractionDigits?: number,
): string {
  const options: Intl.NumberFormatOptions =
    fractionDigits === undefined
      ? { maximumFractionDigits: SCALE }
      : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  return new Intl.NumberFormat(localeOf(lang), options).format(
    asDecimalString(value) as Intl.StringNumericLiteral,
  );
}
