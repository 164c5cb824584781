import type { InboxView } from "../api/keys";
import { useConversationList } from "./queries";

const TABS: { view: InboxView; label: string; hint: string }[] = [
  { view: "unassigned", label: "Unassigned", hint: "Waiting for an agent" },
  { view: "mine", label: "Mine", hint: "Assigned to you" },
  { view: "all", label: "All open", hint: "Everything in progress" },
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
    <nav className="nav" aria-label="Inbox views">
      <div className="nav__heading">Conversations</div>
      <div role="tablist" aria-orientation="vertical" className="nav__list">
        {TABS.map((tab) => (
          <button
            key={tab.view}
            type="button"
            role="tab"
            aria-selected={view === tab.view}
            title={tab.hint}
            className={`nav__item${view === tab.view ? " nav__item--active" : ""}`}
            data-testid={`inbox-tab-${tab.view}`}
            onClick={() => onChange(tab.view)}
          >
            <span>{tab.label}</span>
            <OpenCount view={tab.view} />
          </button>
        ))}
      </div>
    </nav>
  );
}
