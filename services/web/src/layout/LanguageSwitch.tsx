import { LANGS, useLang, useSetLang, useTexts } from '../i18n';
import * as common from '../i18n/common';
import styles from './Layout.module.css';

/** Svenska / English; the choice is kept in localStorage (vsm.lang) and sets <html lang>. */
export function LanguageSwitch() {
  const texts = useTexts(common);
  const lang = useLang();
  const setLang = useSetLang();
  return (
    <div role="group" aria-label={texts.language} className={styles.languages}>
      {LANGS.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={lang === option}
          className={styles.languageButton}
          onClick={() => setLang(option)}
        >
          {texts.languageNames[option]}
        </button>
      ))}
    </div>
  );
}
