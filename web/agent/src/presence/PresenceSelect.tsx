import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap, type MeOut } from "../api/client";
import { keys } from "../api/keys";
import { choiceValue, parseChoice, presenceMenu, type PresenceChoice } from "./presenceChoices";
import { t } from "../i18n/i18n";

/** The agent's own status in the top bar; busy and away may carry a reason (Lunch, Meeting…). */
export function PresenceSelect({ me }: { me: MeOut }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: ({ status, reason }: PresenceChoice) => unwrap(api.PUT("/v1/me/presence", { body: { status, reason } })),
    onSuccess(user) {
      queryClient.setQueryData<MeOut | null>(keys.me, (current) => (current ? { ...current, user } : current));
    },
  });
  const current: PresenceChoice =
    change.isPending && change.variables ? change.variables : { status: me.user.presence, reason: me.user.presence_reason ?? null };

  return (
    <label className={`presence presence--${current.status}`} title={change.isError ? errorMessage(change.error) : t("nav.yourStatus")}>
      <span className="presence__dot" aria-hidden="true" />
      <span className="visually-hidden">{t("nav.status")}</span>
      <select
        data-testid="presence-select"
        value={choiceValue(current)}
        disabled={change.isPending}
        onChange={(e) => change.mutate(parseChoice(e.target.value))}
      >
        {presenceMenu(current).map((group) =>
          group.options.length === 1 ? (
            <option key={group.label} value={group.options[0]!.value}>
              {group.options[0]!.label}
            </option>
          ) : (
            <optgroup key={group.label} label={group.label}>
              {group.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </optgroup>
          ),
        )}
      </select>
      {change.isError && <span className="presence__error" role="alert">!</span>}
    </label>
  );
}
