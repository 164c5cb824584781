import type { InboxView } from "../api/keys";
import { useConversationList } from "./queries";
import { t, type Key } from "../i18n/i18n";

const TABS: { view: InboxView; label: Key; hint: Key }[] = [
  { view: "unassigned", label: "inbox.unassigned", hint: "inbox.unassignedHint" },
  { view: "mine", label: "inbox.mine", hint: "inbox.mineHint" },
  { view: "all", label: "inbox.allOpen", hint: "inbox.allOpenHint" },
];

function OpenCount({ view }: { view: InboxView }) {
  const list = useConversationList({ view, status: "open" });
  const pages = list.data?.pages ?? [];
  if (pages.length === 0) return null;
  const count = pages.reduce((n, page) => n + page.items.length, 0);
  const more = pages[pages.length - 1]?.next_cursor ? "+" : "";
  if (count === 0) return null;
  return <span className="nav__count">{count}{more}</span>;
}

export function InboxNav({ view, onChange }: { view: InboxView; onChange(view: InboxView): void }) {
  return (
    <nav className="nav" aria-label={t("nav.inboxViews")}>
      <div className="nav__heading">{t("nav.conversations")}</div>
      <div role="tablist" aria-orientation="vertical" className="nav__list">
        {TABS.map((tab) => (
          <button
            key={tab.view}
            type="button"
            role="tab"
            aria-selected={view === tab.view}
            title={t(tab.hint)}
            className={`nav__item${view === tab.view ? " nav__item--active" : ""}`}
            data-testid={`inbox-tab-${tab.view}`}
            onClick={() => onChange(tab.view)}
          >
            <span>{t(tab.label)}</span>
            <OpenCount view={tab.view} />
          </button>
        ))}
      </div>
    </nav>
  );
}
