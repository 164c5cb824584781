import { LANG_NAMES, LANGS, setLang, t, useLang, type Lang } from "./i18n";

/** The agent's language in the top bar, next to their status; remembered in this browser. */
export function LanguageSelect() {
  const lang = useLang();
  return (
    <label className="language-select" title={t("nav.language")}>
      <span className="visually-hidden">{t("nav.language")}</span>
      <select data-testid="language-select" value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {LANGS.map((option) => (
          <option key={option} value={option} lang={option}>
            {LANG_NAMES[option]}
          </option>
        ))}
      </select>
    </label>
  );
}
