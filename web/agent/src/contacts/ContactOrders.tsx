import { useState } from "react";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { formatMoney } from "./format";
import { useContactOrders } from "./queries";

const FIRST = 5;

function itemCount(items: readonly Record<string, unknown>[]): number {
  return items.reduce((n, item) => n + (typeof item.quantity === "number" ? item.quantity : 1), 0);
}

function itemNames(items: readonly Record<string, unknown>[]): string {
  return items
    .map((item) => (typeof item.name === "string" ? item.name : null))
    .filter(Boolean)
    .join(", ");
}

/** The contact's orders, newest first (the shop's back-end reports them). */
export function ContactOrders({ contactId }: { contactId: string }) {
  const orders = useContactOrders(contactId);
  const [all, setAll] = useState(false);
  const list = orders.data ?? [];
  const shown = all ? list : list.slice(0, FIRST);

  return (
    <section className="pane" data-testid="profile-orders" aria-label="Recent orders">
      <header className="pane__header">
        <h3 className="pane__title">Recent orders</h3>
        {orders.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState query={orders} loading="Loading orders…" empty="No orders yet." isEmpty={list.length === 0} />
      {shown.length > 0 && (
        <ul className="orders">
          {shown.map((order) => {
            const count = itemCount(order.items);
            const names = itemNames(order.items);
            return (
              <li key={order.id} className="order" data-testid="order-row" data-order-id={order.id}>
                <div className="order__top">
                  <span className="order__id">{order.external_id}</span>
                  <span className="order__total">{formatMoney(order.total, order.currency)}</span>
                </div>
                <div className="order__meta">
                  <time dateTime={order.placed_at}>{formatDateTime(order.placed_at)}</time>
                  <span>{count === 1 ? "1 item" : `${count} items`}</span>
                </div>
                {names && (
                  <div className="order__items" title={names}>
                    {names}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {list.length > FIRST && (
        <button type="button" className="link-button pane__more" onClick={() => setAll((a) => !a)}>
          {all ? "Show fewer" : `Show all ${list.length}`}
        </button>
      )}
    </section>
  );
}
