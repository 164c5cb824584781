import { useNow } from "../inbox/useNow";
import { callbackDue, dueChipClass, type CallbackOut } from "./callbackDue";
import { locale, t } from "../i18n/i18n";

/** A callback's count-down to its due time (red once overdue), ticking every second. */
export function CallbackDueChip({ callback, withPhone = false }: { callback: CallbackOut; withPhone?: boolean }) {
  const now = useNow(1000);
  const due = callbackDue(callback, now);
  const at = new Date(due.at);
  return (
    <span
      className={dueChipClass(due.tone)}
      data-testid="callback-due"
      data-tone={due.tone}
      title={t("callback.callBy", { phone: callback.phone, time: Number.isNaN(at.getTime()) ? due.at : at.toLocaleString(locale()) })}
    >
      {withPhone ? `${callback.phone} · ${due.text}` : due.text}
    </span>
  );
}
