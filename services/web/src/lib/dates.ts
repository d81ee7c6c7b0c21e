import { currentLang, localeOf } from '../i18n';
import type { Lang } from '../i18n';

// The API's Date scalar is a calendar date string (YYYY-MM-DD). It is formatted as that date at UTC
// midnight in UTC, so no browser time zone can shift it a day. "Today" is never computed here: the API
// decides in force, due and overdue in the municipality's calendar.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function utcMillis(iso: string): number {
  const match = ISO_DATE.exec(iso);
  if (!match) throw new RangeError(`not a date: ${iso}`);
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  return Date.UTC(y, m - 1, d);
}

/** "1 mars 2020" / "1 March 2020". */
export function formatDate(iso: string, lang: Lang = currentLang()): string {
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'long', timeZone: 'UTC' }).format(
    utcMillis(iso),
  );
}

/** "2020-03-01" in Swedish (the Swedish short form is ISO), "01/03/2020" in English. */
export function formatShortDate(iso: string, lang: Lang = currentLang()): string {
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'short', timeZone: 'UTC' }).format(
    utcMillis(iso),
  );
}

/** A DateTime (an instant) in the municipality's time zone from config.json. */
export function formatDateTime(
  iso: string,
  timeZone: string = 'Europe/Stockholm',
  lang: Lang = currentLang(),
): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

/** Orders two YYYY-MM-DD strings (their text order is their date order). */
export function compareIsoDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
