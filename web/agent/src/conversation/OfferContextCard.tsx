import { clockTime } from "../inbox/relativeTime";
import { formatMoney } from "./money";
import type { ConversationOfferOut, OfferCardOut } from "./offerQueries";

const KINDS: Record<string, string> = { chat: "Chat", callback: "Callback", cobrowse: "Co-browsing", message: "Message" };
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
    <article className="offer-card" data-testid="offer-card" data-offer-id={offer.id} aria-label="Why this visitor was offered help">
      <header className="offer-card__header">
        <strong>{KINDS[offer.kind] ?? offer.kind} offer accepted</strong>
        <span className="offer-card__rule">{ruleLine(card)}</span>
        {offer.decided_at && <time dateTime={offer.decided_at}>{clockTime(offer.decided_at)}</time>}
      </header>
      <p className="offer-card__text">“{offer.text}”</p>
      {card.facts.length > 0 && (
        <ul className="offer-card__facts" aria-label="Why">
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
            <dt>Page</dt>
            <dd><PageLink url={card.page.url} title={card.page.title} /></dd>
          </>
        )}
        {recent.length > 0 && (
          <>
            <dt>Recent pages</dt>
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
            <dt>Cart</dt>
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
                    <th scope="row" colSpan={2}>Total</th>
                    <td className="offer-card__price" data-testid="offer-card-total">{money(card.cart_value)}</td>
                  </tr>
                </tfoot>
              </table>
            </dd>
          </>
        )}
        {(card.device || card.returning !== null) && (
          <>
            <dt>Visitor</dt>
            <dd>{[card.returning ? "returning" : card.returning === false ? "first visit" : null, card.device].filter(Boolean).join(" · ")}</dd>
          </>
        )}
      </dl>
    </article>
  );
}

function ruleLine(card: OfferCardOut): string {
  if (card.rule_key) return `Rule: ${card.rule_name ?? card.rule_key}${card.rule_version ? ` (v${card.rule_version})` : ""}`;
  return card.invited_by ? "Invited by an agent" : "";
}

function PageLink({ url, title }: { url: string; title: string | null }) {
  return (
    <a href={url} title={url} target="_blank" rel="noreferrer noopener">
      {title || url}
    </a>
  );
}
