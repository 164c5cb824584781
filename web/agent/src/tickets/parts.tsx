import type { TicketPriority, TicketStatus } from "./logic";

const STATUS_TONE: Record<TicketStatus, string> = {
  new: "chip--accent",
  open: "chip--ok",
  pending: "chip--warn",
  solved: "chip--muted",
  closed: "chip--muted",
};
const PRIORITY_TONE: Record<TicketPriority, string> = { low: "chip--muted", normal: "", high: "chip--warn", urgent: "chip--danger" };

export function StatusChip({ status }: { status: TicketStatus }) {
  return <span className={`chip ticket-chip ${STATUS_TONE[status]}`} data-testid="ticket-status-chip">{status}</span>;
}

export function PriorityChip({ priority }: { priority: TicketPriority }) {
  return <span className={`chip ticket-chip ${PRIORITY_TONE[priority]}`}>{priority}</span>;
}
