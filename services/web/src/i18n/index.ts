import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';

export type Lang = 'sv' | 'en';
export const LANGS: readonly Lang[] = ['sv', 'en'];
const STORAGE_KEY = 'vsm.lang';

/** The BCP 47 locale the formatters use for a language. */
export function localeOf(lang: Lang): string {
  return lang === 'sv' ? 'sv-SE' : 'en-GB';
}

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return value === 'en' ? 'en' : 'sv';
  } catch {
    return 'sv';
  }
}

// Formatting helpers (formatDate, formatSek) are plain functions called during render; they read the
// language the provider last set, so they need no hook and stay usable in tests.
let current: Lang = 'sv';
export function currentLang(): Lang {
  return current;
}

interface LangState {
  lang: Lang;
  setLang: (lang: Lang) => void;
}
const LangContext = createContext<LangState>({ lang: 'sv', setLang: () => undefined });

export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    current = storedLang();
    return current;
  });
  const setLang = useCallback((next: Lang) => {
    current = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode without storage: the choice lasts for this page only.
    }
    setLangState(next);
  }, []);
  useEffect(() => {
    current = lang;
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => ({ lang, setLang }), [lang, setLang]);
  return createElement(LangContext.Provider, { value }, children);
}

/** The language the user chose (Swedish first). */
export function useLang(): Lang {
  return useContext(LangContext).lang;
}

export function useSetLang(): (lang: Lang) => void {
  return useContext(LangContext).setLang;
}

/** A view's texts in the current language; `en` is typed from `sv`, so a missing English text fails tsc. */
export function useTexts<T>(texts: { sv: T; en: T }): T {
  return texts[useLang()];
}

/** Fills `{name}` placeholders: interpolate('{n} mål', { n: 3 }). Unknown names stay visible. */
export function interpolate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
