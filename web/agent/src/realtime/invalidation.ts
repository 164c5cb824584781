/** Which cached queries a change hint makes stale. */
import { keys } from "../api/keys";
import type { ServerFrame } from "./frames";

export function invalidationKeys(frame: ServerFrame): (readonly unknown[])[] {
  if (frame.type === "ticket.changed") {
    const out: (readonly unknown[])[] = [keys.tickets];
    if (frame.contact_id) out.push(["contacts", "c", frame.contact_id]);
    return out;
  }
  if (frame.type === "contact.changed") {
    return [...frame.contact_ids.map((id) => ["contacts", "c", id] as const), ["contacts", "search"] as const];
  }
  return [];
}
