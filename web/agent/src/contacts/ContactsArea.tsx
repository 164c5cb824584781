import { useState, type FormEvent } from "react";
import { errorMessage, type MeOut } from "../api/client";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { ContactOrders } from "./ContactOrders";
import { ContactProfile } from "./ContactProfile";
import { ContactTimeline } from "./ContactTimeline";
import { LiveSession } from "./LiveSession";
import { MergeSection } from "./MergeSection";
import { OpenTickets } from "./OpenTickets";
import { CONTACT_PAGE, useContact, useContactSearch } from "./queries";
import { openContacts, type ContactsRoute } from "./route";
import { loadSegments, removeSegment, saveSegment, SegmentError, type Segment } from "./segments";
import { useDebounced } from "./useDebounced";
import { t, locale } from "../i18n/i18n";

const SEARCH_KEY = "hovor.contacts.search";

function rememberedSearch(): string {
  try {
    return window.sessionStorage.getItem(SEARCH_KEY) ?? "";
  } catch {
    return "";
  }
}

function rememberSearch(q: string): void {
  try {
    window.sessionStorage.setItem(SEARCH_KEY, q);
  } catch {
    // Only a convenience.
  }
}

/** The customers of the workspace: search, open one, merge duplicates. */
export function ContactsArea({ me, route }: { me: MeOut; route: ContactsRoute }) {
  const canMerge = me.user.role === "admin" || me.user.role === "supervisor";
  return route.view === "contact" ? <ContactPage key={route.id} contactId={route.id} canMerge={canMerge} /> : <ContactList />;
}

function ContactList() {
  const [query, setQueryState] = useState(rememberedSearch);
  const [offset, setOffset] = useState(0);
  const q = useDebounced(query.trim());
  const results = useContactSearch(q, offset);
  const items = results.data?.items ?? [];
  const total = results.data?.total ?? 0;

  const setQuery = (value: string) => {
    setQueryState(value);
    setOffset(0);
    rememberSearch(value);
  };

  return (
    <section className="admin contacts" aria-labelledby="contacts-title">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="contacts-title">Contacts</h1>
          <p className="admin__sub">Everyone who chatted, signed in on the website or ordered, one profile per customer</p>
        </div>
      </header>
      <div className="admin__body">
        <div className="contacts-layout">
          <section className="card" aria-label="Contacts">
            <header className="card__header contacts__search">
              <input
                className="search-input"
                type="search"
                placeholder="Search by name, e-mail, customer id or phone"
                aria-label="Search contacts"
                data-testid="contacts-search"
                value={query}
                onChange={(e) => setQuery(e.target.value)}
              />
              {results.isSuccess && (
                <span className="contacts__total" data-testid="contacts-total">
                  {total === 1 ? "1 contact" : `${total.toLocaleString(locale())} contacts`}
                </span>
              )}
            </header>
            <ListState
              query={results}
              loading="Looking for contacts…"
              empty={q ? `No contact matches “${q}”.` : "No contacts yet."}
              isEmpty={items.length === 0}
            />
            {items.length > 0 && (
              <table className={`table contacts-table${results.isPlaceholderData ? " table--stale" : ""}`}>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>E-mail</th>
                    <th>Phone</th>
                    <th>Created</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr
                      key={c.id}
                      className="table__row--link"
                      data-testid="contact-row"
                      data-contact-id={c.id}
                      tabIndex={0}
                      onClick={() => openContacts({ view: "contact", id: c.id })}
                      onKeyDown={(e) => {
                        if (e.key === "Enter") openContacts({ view: "contact", id: c.id });
                      }}
                    >
                      <td className="table__name">{c.name}</td>
                      <td>{c.email ?? <span className="table__muted">—</span>}</td>
                      <td>{c.phone ?? <span className="table__muted">—</span>}</td>
                      <td className="table__muted">{formatDateTime(c.created_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {total > CONTACT_PAGE && (
              <footer className="pager">
                <span className="pager__range">
                  {offset + 1}–{Math.min(offset + CONTACT_PAGE, total)} of {total.toLocaleString(locale())}
                </span>
                <button type="button" className="button button--small" data-testid="contacts-prev" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - CONTACT_PAGE))}>
                  Previous
                </button>
                <button
                  type="button"
                  className="button button--small"
                  data-testid="contacts-next"
                  disabled={offset + CONTACT_PAGE >= total}
                  onClick={() => setOffset((o) => o + CONTACT_PAGE)}
                >
                  Next
                </button>
              </footer>
            )}
          </section>
          <SavedSegments query={query.trim()} onApply={setQuery} />
        </div>
      </div>
    </section>
  );
}

/** Saved searches, in this browser only (there is no segments endpoint on the server yet). */
function SavedSegments({ query, onApply }: { query: string; onApply(query: string): void }) {
  const [segments, setSegments] = useState<Segment[]>(() => loadSegments());
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    try {
      setSegments(saveSegment(name, query));
      setName("");
      setError(null);
    } catch (e) {
      setError(e instanceof SegmentError ? e.message : errorMessage(e));
    }
  }

  return (
    <section className="card segments" aria-labelledby="segments-title" data-testid="segments">
      <header className="card__header">
        <h2 className="card__title" id="segments-title">Segments</h2>
        <span className="chip chip--muted" title="Kept in this browser's storage; not shared with the team">this browser only</span>
      </header>
      <div className="card__body segments__body">
        {segments.length === 0 ? (
          <p className="table__muted">Save a search to come back to it with one click.</p>
        ) : (
          <ul className="segments__list">
            {segments.map((s) => (
              <li key={s.id} className={`segment${s.query === query ? " segment--on" : ""}`} data-testid="segment">
                <button type="button" className="segment__apply" onClick={() => onApply(s.query)} title={`Search “${s.query}”`}>
                  <span className="segment__name">{s.name}</span>
                  <span className="segment__query">{s.query}</span>
                </button>
                <button type="button" className="icon-button" aria-label={`Remove segment ${s.name}`} onClick={() => setSegments(removeSegment(s.id))}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="segments__form" onSubmit={save}>
          <input
            className="search-input"
            placeholder={query ? `Name for “${query}”` : "Search first, then name it"}
            aria-label="Segment name"
            data-testid="segment-name"
            value={name}
            maxLength={60}
            disabled={!query}
            onChange={(e) => {
              setName(e.target.value);
              setError(null);
            }}
          />
          <button type="submit" className="button button--small" data-testid="segment-save" disabled={!query || !name.trim()}>
            Save
          </button>
        </form>
        {error && <p className="field__error" role="alert">{error}</p>}
      </div>
    </section>
  );
}

function ContactPage({ contactId, canMerge }: { contactId: string; canMerge: boolean }) {
  const contact = useContact(contactId);
  const data = contact.data;
  const mergedInto = data?.merged_into_id ?? null;

  return (
    <section className="admin contact-page" aria-labelledby="contact-title">
      <header className="admin__header area__header">
        <div className="crumbs">
          <button type="button" className="crumbs__back" onClick={() => openContacts()} data-testid="contacts-back">
            Contacts
          </button>
          <span className="crumbs__sep">›</span>
          <h1 className="admin__title" id="contact-title">{data?.name ?? "…"}</h1>
        </div>
      </header>
      <div className="admin__body">
        {!data ? (
          <ListState query={contact} loading="Loading contact…" empty="" isEmpty={false} />
        ) : (
          <>
            {mergedInto && (
              <p className="form-note contact-page__merged" role="status">
                This contact was merged into another profile.{" "}
                <button type="button" className="link-button" onClick={() => openContacts({ view: "contact", id: mergedInto })}>
                  Open that profile
                </button>
              </p>
            )}
            <div className="contact-grid">
              <div className="contact-grid__side">
                <ContactProfile contact={data} />
                <LiveSession identities={data.identities} />
                <OpenTickets contactId={data.id} />
                <ContactOrders contactId={data.id} />
                <MergeSection contact={data} canMerge={canMerge && !mergedInto} />
              </div>
              <ContactTimeline contactId={data.id} />
            </div>
          </>
        )}
      </div>
    </section>
  );
}

/** The sidebar entry, for everyone. */
export function ContactsNavEntry({ active }: { active: boolean }) {
  return (
    <button
      type="button"
      className={`nav__item${active ? " nav__item--active" : ""}`}
      aria-current={active ? "page" : undefined}
      data-testid="nav-contacts"
      onClick={() => openContacts()}
    >
      <span>{t("nav.contacts")}</span>
    </button>
  );
}
