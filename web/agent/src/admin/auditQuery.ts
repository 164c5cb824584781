/**
 * The audit log's filter (person, first and last day) as the API's query, its CSV link,
 * and an entry's target ids in words.
 */
export interface AuditFilter {
  actorId: string; // "" = anyone
  from: string; // "YYYY-MM-DD", "" = no lower bound
  to: string; // "YYYY-MM-DD" (inclusive), "" = no upper bound
}

export const DEFAULT_AUDIT_FILTER: AuditFilter = { actorId: "", from: "", to: "" };

/** Local midnight of a "YYYY-MM-DD" day, plus ``days``, as an ISO instant. */
function midnight(day: string, days = 0): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d! + days).toISOString();
}

export function auditQuery(filter: AuditFilter): { actor_id?: string; since?: string; until?: string } {
  return {
    ...(filter.actorId ? { actor_id: filter.actorId } : {}),
    ...(filter.from ? { since: midnight(filter.from) } : {}),
    ...(filter.to ? { until: midnight(filter.to, 1) } : {}),
  };
}

export function auditExportHref(filter: AuditFilter): string {
  const query = new URLSearchParams(Object.entries(auditQuery(filter)) as [string, string][]).toString();
  return `/v1/audit.csv${query ? `?${query}` : ""}`;
}

/** "user_id 01J…, key welcome": the ids the action named, in the route's order. */
export function describeTarget(target: Record<string, string>): string {
  return Object.entries(target)
    .map(([name, value]) => `${name.replace(/_id$/, "")} ${value}`)
    .join(", ");
}
