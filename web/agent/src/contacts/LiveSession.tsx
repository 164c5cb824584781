import { useNow } from "../inbox/useNow";
import { useLiveVisitors } from "../visitors/queries";
import { visitSource } from "../visitors/source";
import { money, timeOnSite } from "../visitors/summary";
import { liveSessionOf, visitorIdsOf } from "./liveSession";
import type { IdentityOut } from "./queries";
import { urlPath } from "./timeline";

const OFFER_TONE: Record<string, string> = {
  offered: "chip--accent",
  shown: "chip--accent",
  accepted: "chip--ok",
  declined: "chip--warn",
};

/** The contact's visit now, if one of their visitor ids has a page open (polls like Live visitors). */
export function LiveSession({ identities }: { identities: readonly IdentityOut[] }) {
  const hasVisitor = visitorIdsOf(identities).size > 0;
  if (!hasVisitor) return null;
  return <LiveSessionCard identities={identities} />;
}

function LiveSessionCard({ identities }: { identities: readonly IdentityOut[] }) {
  const live = useLiveVisitors();
  const now = useNow(1_000);
  const visit = liveSessionOf(identities, live.data);
  if (!visit) return null;
  const path = urlPath(visit.page_url ?? "");
  const hasCart = visit.cart_value > 0 || visit.cart_items > 0;
  const source = visitSource(visit.referrer, visit.utm);

  return (
    <section className="pane live-session" data-testid="profile-live-session" data-visitor-id={visit.visitor_id} aria-label="On the website now">
      <header className="pane__header">
        <h3 className="pane__title">
          On the website now <span className="live-dot" aria-hidden="true" />
        </h3>
      </header>
      <div className="live-session__page">
        <div className="live-session__title" title={visit.page_title ?? undefined}>{visit.page_title || path || "—"}</div>
        {path && <div className="live-session__url" title={visit.page_url ?? undefined}>{path}</div>}
      </div>
      <dl className="facts facts--inline">
        <div className="facts__row">
          <dt>On site</dt>
          <dd data-testid="live-time-on-site">{timeOnSite(visit.session_started_at, now)}</dd>
        </div>
        <div className="facts__row">
          <dt>Pages</dt>
          <dd>{visit.page_views}</dd>
        </div>
        <div className="facts__row">
          <dt>From</dt>
          <dd data-testid="live-source" title={source.referrer ?? undefined}>
            {source.from}
            {source.campaign && <span className="chip chip--accent">{source.campaign}</span>}
          </dd>
        </div>
        <div className="facts__row">
          <dt>Cart</dt>
          <dd data-testid="live-cart">
            {hasCart ? `${money(visit.cart_value)} · ${visit.cart_items === 1 ? "1 item" : `${visit.cart_items} items`}` : "empty"}
          </dd>
        </div>
      </dl>
      {visit.offers.length > 0 && (
        <div className="live-session__offers">
          <span className="live-session__label">Offers this visit</span>
          {visit.offers.map((offer) => {
            const status = String(offer.status);
            return (
              <span key={String(offer.id)} className={`chip ${OFFER_TONE[status] ?? ""}`} title={String(offer.text)} data-testid="live-offer" data-status={status}>
                {String(offer.kind)} · {status.replace("_", " ")}
              </span>
            );
          })}
        </div>
      )}
    </section>
  );
}
