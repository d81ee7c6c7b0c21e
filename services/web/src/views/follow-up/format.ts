import { localeOf } from '../../i18n';
import type { Lang } from '../../i18n';

/** An indicator's value in the reader's language ("84,1" / "84.1"); the API's floats are shown as given. */
export function formatNumber(value: number, lang: Lang): string {
  return new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 2 }).format(value);
}
