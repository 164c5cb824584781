import { clockTime } from "../inbox/relativeTime";
import { formatMoney } from "./money";
import type { ConversationOfferOut, OfferCardOut } from "./offerQueries";
import { t, type Key } from "../i18n/i18n";

const KINDS: Record<string, Key> = { chat: "offer.chat", callback: "offer.callback", cobrowse: "offer.cobrowse", message: "offer.message" };
const RECENT_PAGES = 5;

/**
 * Why the visitor was offered help, at a glance: the rule's facts highlighted, the pages
 * by title, the cart in the shop's currency. Shown in place of the offer's system note,
 * whose text (the same content) stays for e-mail and exports.
 */
export function OfferContextCard({ offer }: { offer: ConversationOfferOut }) {
  const { card } = offer;
  const money = (amount: number) => formatMoney(amount, card.currency, card.locale);
  const recent = card.recent_pages.slice(-RECENT_PAGES);
  return (
    <article className="offer-card" data-testid="offer-card" data-offer-id={offer.id} aria-label={t("offer.why")}>
      <header className="offer-card__header">
        <strong>{t("offer.accepted", { kind: KINDS[offer.kind] ? t(KINDS[offer.kind]!) : offer.kind })}</strong>
        <span className="offer-card__rule">{ruleLine(card)}</span>
        {offer.decided_at && <time dateTime={offer.decided_at}>{clockTime(offer.decided_at)}</time>}
      </header>
      <p className="offer-card__text">“{offer.text}”</p>
      {card.facts.length > 0 && (
        <ul className="offer-card__facts" aria-label={t("offer.whyShort")}>
          {card.facts.map((fact) => (
            <li key={fact.name} data-fact={fact.name}>
              <span className="offer-card__fact-value">{fact.text}</span>
              <span className="offer-card__fact-label">{fact.label}</span>
            </li>
          ))}
        </ul>
      )}
      <dl className="offer-card__details">
        {card.page && (
          <>
            <dt>{t("offer.page")}</dt>
            <dd><PageLink url={card.page.url} title={card.page.title} /></dd>
          </>
        )}
        {recent.length > 0 && (
          <>
            <dt>{t("offer.recentPages")}</dt>
            <dd>
              <ol className="offer-card__pages">
                {recent.map((page, i) => (
                  <li key={`${i}:${page.url}`}><PageLink url={page.url} title={page.title} /></li>
                ))}
              </ol>
            </dd>
          </>
        )}
        {card.cart.length > 0 && (
          <>
            <dt>{t("offer.cart")}</dt>
            <dd>
              <table className="offer-card__cart">
                <tbody>
                  {card.cart.map((item) => (
                    <tr key={item.id} data-item={item.id}>
                      <td>{item.name}</td>
                      <td className="offer-card__qty">×{item.quantity}</td>
                      <td className="offer-card__price">{money(item.price)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={2}>{t("offer.total")}</th>
                    <td className="offer-card__price" data-testid="offer-card-total">{money(card.cart_value)}</td>
                  </tr>
                </tfoot>
              </table>
            </dd>
          </>
        )}
        {(card.device || card.returning !== null) && (
          <>
            <dt>{t("offer.visitor")}</dt>
            <dd>{[card.returning ? t("offer.returning") : card.returning === false ? t("offer.firstVisit") : null, card.device].filter(Boolean).join(" · ")}</dd>
          </>
        )}
      </dl>
    </article>
  );
}

function ruleLine(card: OfferCardOut): string {
  if (card.rule_key) return t("offer.rule", { name: `${card.rule_name ?? card.rule_key}${card.rule_version ? ` (v${card.rule_version})` : ""}` });
  return card.invited_by ? t("offer.invited") : "";
}

function PageLink({ url, title }: { url: string; title: string | null }) {
  return (
    <a href={url} title={url} target="_blank" rel="noreferrer noopener">
      {title || url}
    </a>
  );
}
