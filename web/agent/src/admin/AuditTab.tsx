import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../api/client";
import { useUsers } from "../conversation/queries";
import { CursorPager, useCursorPages } from "../ui/CursorPager";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { DEFAULT_AUDIT_FILTER, auditExportHref, auditQuery, describeTarget, type AuditFilter } from "./auditQuery";

type AuditEntryOut = Schemas["AuditEntryOut"];

const AUDIT_PAGE = 50;

function useAuditPage(filter: AuditFilter, cursor: string | null) {
  const query = { ...auditQuery(filter), limit: AUDIT_PAGE, ...(cursor ? { cursor } : {}) };
  return useQuery({
    queryKey: ["audit", "list", query] as const,
    queryFn: ({ signal }) => unwrap(api.GET("/v1/audit", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

function AuditRow({ entry }: { entry: AuditEntryOut }) {
  return (
    <tr data-testid="audit-row" data-route={entry.route}>
      <td className="table__muted">
        <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
      </td>
      <td>
        <div className="table__name">{entry.actor_name}</div>
        <div className="table__muted">
          {entry.actor_email}
          {entry.via === "token" && ` · API token “${entry.token_name ?? entry.token_id}”`}
        </div>
      </td>
      <td title={`${entry.method} ${entry.route}`}>{entry.summary}</td>
      <td className="table__muted" data-testid="audit-target">
        {describeTarget(entry.target)}
      </td>
      <td className="table__muted">{entry.address}</td>
    </tr>
  );
}

/** Who changed what in the workspace's administration, when and from where (newest first). */
export function AuditTab() {
  const [filter, setFilterState] = useState<AuditFilter>(DEFAULT_AUDIT_FILTER);
  const pages = useCursorPages();
  const list = useAuditPage(filter, pages.cursor);
  const users = useUsers();
  const items = list.data?.items ?? [];
  const next = list.data?.next_cursor ?? null;

  const setFilter = (change: Partial<AuditFilter>) => {
    setFilterState((f) => ({ ...f, ...change }));
    pages.reset();
  };

  return (
    <section className="card" aria-labelledby="audit-title">
      <header className="card__header" style={{ display: "flex", flexWrap: "wrap", gap: "8px 12px", alignItems: "center" }}>
        <h2 className="card__title" id="audit-title">
          Audit log
        </h2>
        <label>
          Person{" "}
          <select className="select" data-testid="audit-actor" value={filter.actorId} onChange={(e) => setFilter({ actorId: e.target.value })}>
            <option value="">Anyone</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From{" "}
          <input type="date" data-testid="audit-from" value={filter.from} max={filter.to || undefined} onChange={(e) => setFilter({ from: e.target.value })} />
        </label>
        <label>
          To{" "}
          <input type="date" data-testid="audit-to" value={filter.to} min={filter.from || undefined} onChange={(e) => setFilter({ to: e.target.value })} />
        </label>
        <a className="button" data-testid="audit-export" href={auditExportHref(filter)} download="audit.csv">
          Export CSV
        </a>
      </header>
      <ListState query={list} loading="Loading the audit log…" empty="No admin actions match these filters." isEmpty={items.length === 0} />
      {items.length > 0 && (
        <div className="table-scroll">
          <table className={`table${list.isPlaceholderData ? " table--stale" : ""}`}>
            <thead>
              <tr>
                <th>Time</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Address</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CursorPager pages={pages} next={next} loading={list.isPlaceholderData} testId="audit" />
    </section>
  );
}
