import type { MeOut } from "../api/client";
import { TicketList } from "./TicketList";
import { TicketView } from "./TicketView";
import { openTickets, type TicketsRoute } from "./route";
import { t } from "../i18n/i18n";

/** The tickets area: the list, or one ticket. */
export function TicketsArea({ me, route }: { me: MeOut; route: TicketsRoute }) {
  return route.view === "ticket" ? <TicketView key={route.id} ticketId={route.id} meId={me.user.id} /> : <TicketList />;
}

/** The sidebar entry, for everyone. */
export function TicketsNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-tickets"
      onClick={() => openTickets()}
    >
      <span>{t("nav.tickets")}</span>
    </button>
  );
}
