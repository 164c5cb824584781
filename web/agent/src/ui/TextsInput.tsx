import { t } from "../i18n/i18n";
import type { ControlProps } from "./FormField";
import { nextLanguage, perLanguage, type Texts } from "./texts";

/**
 * A text a visitor reads, as one textarea (test id `testId`) or one per
 * language (`${testId}-<lang>`, each with its language tag): the manager
 * switches with "Write per language". The language of texts left without one
 * (the rule's default) is chosen when `onDefaultLanguage` is given.
 */
export function TextsInput({
  control,
  testId,
  value,
  maxLength,
  placeholder,
  onChange,
  defaultLanguage,
  onDefaultLanguage,
}: {
  control: ControlProps;
  testId: string;
  value: Texts;
  maxLength?: number;
  placeholder?: string;
  onChange(value: Texts): void;
  defaultLanguage?: string;
  onDefaultLanguage?(lang: string): void;
}) {
  if (typeof value === "string") {
    return (
      <div className="texts-input">
        <textarea
          {...control}
          data-testid={testId}
          rows={2}
          maxLength={maxLength}
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="button" className="link-button" data-testid={`${testId}-per-language`} onClick={() => onChange(perLanguage(value))}>
          {t("texts.perLanguage")}
        </button>
      </div>
    );
  }
  const entries = Object.entries(value);
  const rename = (from: string, to: string) =>
    onChange(Object.fromEntries(entries.map(([lang, text]) => [lang === from ? to : lang, text])));
  const next = nextLanguage(value);
  return (
    <div className="texts-input texts-input--languages" data-testid={`${testId}-languages`}>
      {entries.map(([lang, text], i) => (
        <div className="texts-input__row" key={i}>
          <input
            className="texts-input__lang"
            aria-label={t("texts.language")}
            data-testid={`${testId}-tag-${i}`}
            value={lang}
            maxLength={35}
            onChange={(e) => rename(lang, e.target.value)}
          />
          <textarea
            {...(i === 0 ? control : {})}
            aria-label={`${t("texts.text")} (${lang})`}
            data-testid={`${testId}-${lang}`}
            rows={2}
            maxLength={maxLength}
            value={text}
            placeholder={placeholder}
            onChange={(e) => onChange({ ...value, [lang]: e.target.value })}
          />
          <button
            type="button"
            className="link-button"
            aria-label={t("texts.remove", { lang })}
            onClick={() =>
              onChange(entries.length === 1 ? text : Object.fromEntries(entries.filter(([other]) => other !== lang)))
            }
          >
            ✕
          </button>
        </div>
      ))}
      <div className="texts-input__actions">
        <button type="button" className="link-button" data-testid={`${testId}-add-language`} onClick={() => onChange({ ...value, [next || `xx${entries.length}`]: "" })}>
          {t("texts.addLanguage")}
        </button>
        {onDefaultLanguage && (
          <label className="texts-input__default">
            {t("texts.defaultLanguage")}{" "}
            <select data-testid={`${testId}-default-language`} value={defaultLanguage ?? ""} onChange={(e) => onDefaultLanguage(e.target.value)}>
              <option value="">{t("texts.firstLanguage")}</option>
              {entries.map(([lang]) => (
                <option key={lang} value={lang}>
                  {lang}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
    </div>
  );
}
