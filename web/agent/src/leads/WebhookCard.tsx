import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { ApiError, api, errorMessage, unwrap } from "../api/client";
import { formatDateTime } from "../ui/dateTime";

const HOOK_KEY = ["leads", "webhook"] as const;
const DELIVERIES_KEY = ["leads", "webhook", "deliveries"] as const;

/** Admins: where leads go (the CRM's URL), the signing secret, and the latest calls. */
export function WebhookCard() {
  const queryClient = useQueryClient();
  const hook = useQuery({
    queryKey: HOOK_KEY,
    queryFn: async ({ signal }) => {
      try {
        return await unwrap(api.GET("/v1/leads/webhook", { signal }));
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return null; // none set yet
        throw err;
      }
    },
  });
  const deliveries = useQuery({
    queryKey: DELIVERIES_KEY,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/leads/webhook/deliveries", { params: { query: { limit: 10 } }, signal })),
    refetchInterval: 10_000,
  });
  const [url, setUrl] = useState("");
  const [enabled, setEnabled] = useState(true);
  useEffect(() => {
    if (hook.data) {
      setUrl(hook.data.url);
      setEnabled(hook.data.enabled);
    }
  }, [hook.data]);
  const save = useMutation({
    mutationFn: (rotate: boolean) => unwrap(
        // A new secret: the old one signs too for a day, while the CRM is switched over.
        api.PUT("/v1/leads/webhook", { body: { url, enabled, rotate_secret: rotate, rotate_grace_hours: 24 } }),
      ),
    onSuccess: (data) => queryClient.setQueryData(HOOK_KEY, data),
  });
  const retry = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/leads/webhook/retry")),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: DELIVERIES_KEY }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(false);
  };
  const failed = (deliveries.data ?? []).some((d) => d.status === "failed");

  return (
    <section className="card lead-webhook" aria-labelledby="lead-webhook-title" data-testid="lead-webhook">
      <header className="card__header">
        <h2 className="card__title" id="lead-webhook-title">CRM webhook</h2>
      </header>
      <form className="lead-webhook__form" onSubmit={submit}>
        <input
          className="search-input"
          type="url"
          required
          placeholder="https://crm.example.com/hooks/hovor"
          aria-label="Webhook URL"
          data-testid="lead-webhook-url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <label className="lead-filters__label">
          <input type="checkbox" data-testid="lead-webhook-enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Send
        </label>
        <button type="submit" className="button button--primary" data-testid="lead-webhook-save" disabled={save.isPending || !url.trim()}>
          Save
        </button>
        {hook.data && (
          <button type="button" className="button" data-testid="lead-webhook-rotate" disabled={save.isPending} onClick={() => save.mutate(true)}>
            New secret
          </button>
        )}
      </form>
      {save.isError && <p className="lead__error" role="alert" data-testid="lead-webhook-error">{errorMessage(save.error)}</p>}
      {hook.data && (
        <p className="lead-webhook__secret">
          Signing secret (Standard Webhooks): <code data-testid="lead-webhook-secret">{hook.data.secret}</code>
          {hook.data.previous_secret_until && (
            <> (calls are signed with the previous secret too until {new Date(hook.data.previous_secret_until).toLocaleString()})</>
          )}
        </p>
      )}
      {(deliveries.data ?? []).length > 0 && (
        <table className="table lead-webhook__calls">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th className="table__num">Attempts</th>
              <th>Answer</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {(deliveries.data ?? []).map((d) => (
              <tr key={d.id} data-testid="lead-webhook-call" data-status={d.status}>
                <td>{d.event}</td>
                <td>{d.status}</td>
                <td className="table__num">{d.attempts}</td>
                <td className="table__muted" title={d.last_error ?? undefined}>{d.response_status ?? (d.last_error ? "no answer" : "—")}</td>
                <td className="table__muted">{formatDateTime(d.sent_at ?? d.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {failed && (
        <button type="button" className="button" data-testid="lead-webhook-retry" disabled={retry.isPending} onClick={() => retry.mutate()}>
          Retry failed calls
        </button>
      )}
    </section>
  );
}
