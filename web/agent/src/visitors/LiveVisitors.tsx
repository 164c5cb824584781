import { Fragment, useState, type FormEvent } from "react";
import { errorMessage, type MeOut } from "../api/client";
import { useNow } from "../inbox/useNow";
import { ListState } from "../ui/ListState";
import { useEngagementStats, useInvite, useLiveVisitors, type InviteKind, type LiveVisitorOut } from "./queries";
import "../leads/leads.css";
import { visitSource } from "./source";
import { liveSummary, money, OPEN_OFFER_STATUSES, statsView, timeOnSite } from "./summary";
import { locale, t, type Key } from "../i18n/i18n";

const DEFAULT_INVITE = "Hi! Can I help you with anything?";
const KINDS: { kind: InviteKind; label: Key }[] = [
  { kind: "chat", label: "visitors.chat" },
  { kind: "callback", label: "visitors.callback" },
  { kind: "cobrowse", label: "visitors.cobrowse" },
  { kind: "message", label: "visitors.message" },
];
const STATUS_TONE: Record<string, string> = {
  offered: "chip--accent",
  shown: "chip--accent",
  accepted: "chip--ok",
  declined: "chip--warn",
  expired: "chip--muted",
  held_out: "chip--muted",
};

function shortId(id: string): string {
  return id.length > 8 ? id.slice(-8) : id;
}

function pagePath(url: string | null): string {
  if (!url) return "";
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

function InviteForm({ visitor, onDone }: { visitor: LiveVisitorOut; onDone(sent: boolean): void }) {
  const invite = useInvite();
  const [kind, setKind] = useState<InviteKind>("chat");
  const [text, setText] = useState(DEFAULT_INVITE);

  function send(event: FormEvent) {
    event.preventDefault();
    if (invite.isPending || !text.trim()) return;
    invite.mutate({ visitorId: visitor.visitor_id, body: { kind, text: text.trim() } }, { onSuccess: () => onDone(true) });
  }

  return (
    <form className="invite" onSubmit={send} aria-label={t("visitors.invite", { id: shortId(visitor.visitor_id) })} data-testid="invite-form">
      <select className="select" data-testid="invite-kind" aria-label={t("visitors.kind")} value={kind} onChange={(e) => setKind(e.target.value as InviteKind)}>
        {KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {t(k.label)}
          </option>
        ))}
      </select>
      <input
        className="invite__text"
        data-testid="invite-text"
        aria-label={t("texts.text")}
        maxLength={500}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (invite.isError) invite.reset();
        }}
      />
      <button type="submit" className="button button--primary button--small" data-testid="invite-send" disabled={invite.isPending || !text.trim()}>
        {invite.isPending ? t("common.sending") : t("common.send")}
      </button>
      <button type="button" className="button button--ghost button--small" onClick={() => onDone(false)}>
        {t("common.cancel")}
      </button>
      {invite.isError && (
        <p className="invite__error" role="alert" data-testid="invite-error">
          {errorMessage(invite.error)}
        </p>
      )}
    </form>
  );
}

function VisitorRow({
  visitor,
  now,
  inviting,
  sent,
  onInvite,
  onDone,
}: {
  visitor: LiveVisitorOut;
  now: number;
  inviting: boolean;
  sent: boolean;
  onInvite(): void;
  onDone(sent: boolean): void;
}) {
  const path = pagePath(visitor.page_url);
  return (
    <Fragment>
      <tr data-testid="visitor-row" data-visitor-id={visitor.visitor_id} className={inviting ? "table__row--open" : undefined}>
        <td>
          <div className="visitor__who">
            <code title={visitor.visitor_id}>{shortId(visitor.visitor_id)}</code>
            <span className={`chip${visitor.returning ? " chip--accent" : ""}`}>{visitor.returning ? t("visitors.returning") : t("visitors.new")}</span>
          </div>
          <div className="visitor__device">
            {visitor.device}
            {visitor.browser ? ` · ${visitor.browser}` : ""}
          </div>
        </td>
        <td className="visitor__page">
          <div className="visitor__title" data-testid="visitor-page">
            {visitor.page_title || path || "—"}
          </div>
          {path && (
            <div className="visitor__url" title={visitor.page_url ?? undefined}>
              {path}
            </div>
          )}
          <VisitFrom visitor={visitor} />
        </td>
        <td className="table__num">{timeOnSite(visitor.session_started_at, now)}</td>
        <td className="table__num">{visitor.page_views}</td>
        <td className="table__num">
          {visitor.cart_value > 0 || visitor.cart_items > 0 ? (
            <>
              {money(visitor.cart_value)}
              <div className="visitor__items">{visitor.cart_items === 1 ? "1 item" : `${visitor.cart_items} items`}</div>
            </>
          ) : (
            <span className="table__muted">—</span>
          )}
        </td>
        <td>
          <div className="visitor__offers">
            {visitor.offers.length === 0 && <span className="table__muted">—</span>}
            {visitor.offers.map((offer) => {
              const status = String(offer.status);
              return (
                <span
                  key={String(offer.id)}
                  className={`chip ${STATUS_TONE[status] ?? ""}`}
                  data-testid="visitor-offer"
                  data-status={status}
                  title={`${String(offer.kind)}${offer.rule_key ? ` · rule ${String(offer.rule_key)}` : " · invited by an agent"}: ${String(offer.text)}`}
                >
                  {String(offer.kind)} · {status.replace("_", " ")}
                </span>
              );
            })}
          </div>
        </td>
        <td className="table__actions">
          {sent && !inviting && <span className="visitor__sent" role="status">{t("visitors.sent")}</span>}
          <button type="button" className="button button--small" data-testid="visitor-invite" aria-expanded={inviting} onClick={onInvite}>
            {t("visitors.inviteButton")}
          </button>
        </td>
      </tr>
      {inviting && (
        <tr className="table__subrow">
          <td colSpan={7}>
            <InviteForm visitor={visitor} onDone={onDone} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function SummaryTiles({ visitors }: { visitors: readonly LiveVisitorOut[] }) {
  const s = liveSummary(visitors);
  const tiles = [
    { label: t("visitors.online"), value: String(s.online), id: "online" },
    { label: t("visitors.withCarts"), value: String(s.withCart), id: "carts" },
    { label: t("visitors.cartValue"), value: money(s.cartTotal), id: "cart-value" },
    { label: t("visitors.offersOpen"), value: String(s.offersOpen), id: "offers-open" },
  ];
  return (
    <div className="tiles" data-testid="visitors-summary">
      {tiles.map((tile) => (
        <div key={tile.id} className="tile" data-testid={`summary-${tile.id}`}>
          <span className="tile__value">{tile.value}</span>
          <span className="tile__label">{tile.label}</span>
        </div>
      ))}
    </div>
  );
}

function EngagementStats() {
  const stats = useEngagementStats(true);
  const view = stats.data ? statsView(stats.data) : null;
  return (
    <section className="card stats" aria-labelledby="stats-title" data-testid="engagement-stats">
      <header className="card__header">
        <h2 className="card__title" id="stats-title">{t("visitors.statsTitle")}</h2>
      </header>
      <div className="card__body">
        {stats.isError && <p className="field__error">{errorMessage(stats.error)}</p>}
        {!view && !stats.isError && <p className="table__muted">{t("common.loading")}</p>}
        {view && (
          <>
            <dl className="stats__grid">
              {view.headline.map((h) => (
                <div key={h.label} className="stats__item">
                  <dt>{h.label}</dt>
                  <dd>{h.value.toLocaleString(locale())}</dd>
                </div>
              ))}
            </dl>
            <h3 className="stats__heading">{t("visitors.blocked")}</h3>
            {view.blocked.length === 0 ? (
              <p className="table__muted">{t("visitors.nothingBlocked")}</p>
            ) : (
              <ul className="stats__reasons">
                {view.blocked.map((b) => (
                  <li key={b.reason}>
                    <span>{b.reason}</span>
                    <strong>{b.value.toLocaleString(locale())}</strong>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  );
}

/** Who is on the site now, what they look at and carry, their offers; invite them. */
export function LiveVisitors({ me }: { me: MeOut }) {
  const visitors = useLiveVisitors();
  const now = useNow(1_000);
  const [inviting, setInviting] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const list = visitors.data ?? [];
  const isManager = me.user.role === "admin" || me.user.role === "supervisor";
  const openOffers = list.some((v) => v.offers.some((o) => OPEN_OFFER_STATUSES.has(String(o.status))));

  return (
    <section className="admin visitors" aria-labelledby="visitors-title">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="visitors-title">{t("visitors.title")}</h1>
          <p className="admin__sub">
            {t("visitors.sub")}{visitors.isFetching ? <span className="live-dot" aria-hidden="true" /> : null}
          </p>
        </div>
      </header>
      <div className="admin__body">
        <div className={`visitors-layout${isManager ? "" : " visitors-layout--single"}`}>
          <div className="rules-stack">
            <SummaryTiles visitors={list} />
            <section className="card" aria-labelledby="visitors-list-title">
              <header className="card__header">
                <h2 className="card__title" id="visitors-list-title">{t("visitors.list")}</h2>
                {visitors.isSuccess && <span className="card__count">{list.length}</span>}
                {openOffers && <span className="chip chip--accent">offers open</span>}
              </header>
              <ListState query={visitors} loading={t("visitors.looking")} empty={t("visitors.nobody")} isEmpty={list.length === 0} />
              {list.length > 0 && (
                <div className="table-scroll">
                <table className="table visitors-table">
                  <thead>
                    <tr>
                      <th>{t("visitors.visitor")}</th>
                      <th>{t("visitors.page")}</th>
                      <th className="table__num">{t("visitors.onSite")}</th>
                      <th className="table__num">{t("visitors.views")}</th>
                      <th className="table__num">{t("visitors.cart")}</th>
                      <th>{t("visitors.offers")}</th>
                      <th className="table__actions">
                        <span className="visually-hidden">{t("common.actions")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((visitor) => (
                      <VisitorRow
                        key={visitor.visitor_id}
                        visitor={visitor}
                        now={now}
                        inviting={inviting === visitor.visitor_id}
                        sent={sent === visitor.visitor_id}
                        onInvite={() => {
                          setInviting((id) => (id === visitor.visitor_id ? null : visitor.visitor_id));
                          setSent(null);
                        }}
                        onDone={(wasSent) => {
                          setInviting(null);
                          setSent(wasSent ? visitor.visitor_id : null);
                        }}
                      />
                    ))}
                  </tbody>
                </table>
                </div>
              )}
            </section>
          </div>
          {isManager && <EngagementStats />}
        </div>
      </div>
    </section>
  );
}

/** The sidebar entry, for everyone. */
export function VisitorsNavEntry({ active, onOpen }: { active: boolean; onOpen(): void }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-visitors"
      onClick={onOpen}
    >
      <span>{t("nav.liveVisitors")}</span>
    </button>
  );
}

/** Where the visit came from: the referrer's host or UTM source and medium, and the campaign. */
function VisitFrom({ visitor }: { visitor: { referrer?: string | null; utm?: Record<string, string> } }) {
  const source = visitSource(visitor.referrer, visitor.utm);
  return (
    <div className="visitor__source" data-testid="visitor-source" title={source.referrer ?? undefined}>
      from {source.from}
      {source.campaign && (
        <span className="chip chip--accent" data-testid="visitor-campaign">
          {source.campaign}
        </span>
      )}
    </div>
  );
}
