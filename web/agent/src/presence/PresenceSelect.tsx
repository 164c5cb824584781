import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, unwrap, type MeOut, type Presence } from "../api/client";
import { keys } from "../api/keys";

const LABELS: Record<Presence, string> = { online: "Online", away: "Away", offline: "Offline" };

export function PresenceSelect({ me }: { me: MeOut }) {
  const queryClient = useQueryClient();
  const change = useMutation({
    mutationFn: (status: Presence) => unwrap(api.PUT("/v1/me/presence", { body: { status } })),
    onSuccess(user) {
      queryClient.setQueryData<MeOut | null>(keys.me, (current) => (current ? { ...current, user } : current));
    },
  });
  const value = change.isPending && change.variables ? change.variables : me.user.presence;

  return (
    <label className={`presence presence--${value}`} title={change.isError ? errorMessage(change.error) : "Your status"}>
      <span className="presence__dot" aria-hidden="true" />
      <span className="visually-hidden">Status</span>
      <select
        data-testid="presence-select"
        value={value}
        disabled={change.isPending}
        onChange={(e) => change.mutate(e.target.value as Presence)}
      >
        {(Object.keys(LABELS) as Presence[]).map((status) => (
          <option key={status} value={status}>
            {LABELS[status]}
          </option>
        ))}
      </select>
      {change.isError && <span className="presence__error" role="alert">!</span>}
    </label>
  );
}
