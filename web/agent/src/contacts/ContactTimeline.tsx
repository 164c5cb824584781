import { useMemo, useState } from "react";
import { clockTime } from "../inbox/relativeTime";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { KindIcon } from "./icons";
import { useTimeline } from "./queries";
import { entryDetail, groupByDay, kindGroup, kindsParam, TIMELINE_FILTERS, timelineEntries, toggleFilter } from "./timeline";

/**
 * One history per customer, newest first: chats, orders, web visits, offers,
 * sign-ins. Chips filter by kind (on the server, so paging stays right);
 * beside a conversation, that conversation's own entries are left out.
 */
export function ContactTimeline({ contactId, exceptConversationId = null }: { contactId: string; exceptConversationId?: string | null }) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const kinds = kindsParam(selected);
  const timeline = useTimeline(contactId, kinds);
  const entries = useMemo(
    () => timelineEntries(timeline.data?.pages, { selected, exceptConversationId }),
    [timeline.data, selected, exceptConversationId],
  );
  const days = useMemo(() => groupByDay(entries), [entries]);

  return (
    <section className="pane timeline" aria-label="Timeline" data-testid="profile-timeline">
      <header className="pane__header">
        <h3 className="pane__title">Timeline</h3>
      </header>
      <div className="timeline__filters" role="group" aria-label="Show only">
        <button
          type="button"
          className={`filter-chip${selected.size === 0 ? " filter-chip--on" : ""}`}
          aria-pressed={selected.size === 0}
          data-testid="timeline-filter"
          data-kind="all"
          onClick={() => setSelected(new Set())}
        >
          All
        </button>
        {TIMELINE_FILTERS.map((filter) => {
          const on = selected.has(filter.id);
          return (
            <button
              key={filter.id}
              type="button"
              className={`filter-chip${on ? " filter-chip--on" : ""}`}
              aria-pressed={on}
              data-testid="timeline-filter"
              data-kind={filter.id}
              onClick={() => setSelected((s) => toggleFilter(s, filter.id))}
            >
              <KindIcon group={filter.id} />
              {filter.label}
            </button>
          );
        })}
      </div>
      <ListState
        query={timeline}
        loading="Loading history…"
        empty={selected.size > 0 ? "Nothing of these kinds." : "Nothing in the history yet."}
        isEmpty={entries.length === 0 && !timeline.hasNextPage}
      />
      {days.length > 0 && (
        <ol className={`timeline__days${timeline.isPlaceholderData ? " timeline__days--stale" : ""}`}>
          {days.map((day) => (
            <li key={day.key} className="timeline__day">
              <div className="timeline__date">{day.label}</div>
              <ol className="timeline__entries">
                {day.entries.map((entry) => {
                  const group = kindGroup(entry.kind);
                  const detail = entryDetail(entry);
                  return (
                    <li key={entry.id} className={`timeline-entry timeline-entry--${group}`} data-testid="timeline-entry" data-kind={entry.kind}>
                      <span className="timeline-entry__icon">
                        <KindIcon group={group} />
                      </span>
                      <div className="timeline-entry__body">
                        <div className="timeline-entry__summary">{entry.summary}</div>
                        {detail && <div className="timeline-entry__detail">{detail}</div>}
                      </div>
                      <time className="timeline-entry__time" dateTime={entry.occurred_at} title={formatDateTime(entry.occurred_at)}>
                        {clockTime(entry.occurred_at)}
                      </time>
                    </li>
                  );
                })}
              </ol>
            </li>
          ))}
        </ol>
      )}
      {timeline.hasNextPage && (
        <button
          type="button"
          className="button button--small timeline__more"
          data-testid="timeline-more"
          disabled={timeline.isFetchingNextPage}
          onClick={() => void timeline.fetchNextPage()}
        >
          {timeline.isFetchingNextPage ? "Loading…" : "Load older"}
        </button>
      )}
    </section>
  );
}
