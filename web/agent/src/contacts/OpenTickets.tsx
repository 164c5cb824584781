/**
 * PLACEHOLDER for the contact's open tickets. The tickets back-end is still
 * being built and GET /v1/contacts/{id}/tickets is not in the generated
 * schema (api/schema.d.ts). This section renders nothing unless the server's
 * OpenAPI document lists that path; when it does, it only says so, so the
 * team knows to regenerate the client and build the real list (no data is
 * invented here).
 */
import { TICKETS_PATH, useServedPaths } from "./queries";

export function OpenTickets() {
  const paths = useServedPaths();
  if (!paths.data?.has(TICKETS_PATH)) return null;
  return (
    <section className="pane" data-testid="profile-tickets" aria-label="Open tickets">
      <header className="pane__header">
        <h3 className="pane__title">Open tickets</h3>
      </header>
      <p className="pane__note">The server offers tickets now; this desktop build does not show them yet.</p>
    </section>
  );
}
