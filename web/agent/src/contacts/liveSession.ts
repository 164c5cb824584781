/** Is the contact on the website now? Their visitor identities against the live visitors. */
import type { Schemas } from "../api/client";

type Identity = Schemas["IdentityOut"];
type LiveVisitor = Schemas["LiveVisitorOut"];

/** The widget visitor ids a contact holds. */
export function visitorIdsOf(identities: readonly Identity[] | undefined): Set<string> {
  return new Set((identities ?? []).filter((i) => i.kind === "visitor").map((i) => i.value));
}

/**
 * The contact's live visit, if one of their visitor ids has a page open now;
 * of several (two tabs on two devices), the one whose visit started last.
 */
export function liveSessionOf(
  identities: readonly Identity[] | undefined,
  live: readonly LiveVisitor[] | undefined,
): LiveVisitor | null {
  const ids = visitorIdsOf(identities);
  if (ids.size === 0 || !live) return null;
  let best: LiveVisitor | null = null;
  for (const visitor of live) {
    if (!ids.has(visitor.visitor_id)) continue;
    if (!best || (visitor.session_started_at ?? "") > (best.session_started_at ?? "")) best = visitor;
  }
  return best;
}
