import { useMyReservations } from "./queries";
import { ReservationCard } from "./ReservationCard";

/** Incoming work waiting for my answer, over whatever area is open. */
export function ReservationTray({ meId }: { meId: string }) {
  const reservations = useMyReservations(meId);
  const list = reservations.data ?? [];
  return (
    <aside className="reservations" aria-label="Incoming work" aria-live="polite" data-testid="reservations">
      {list.map((task) => (
        <ReservationCard key={`${task.id}:${task.reservation_expires_at ?? ""}`} task={task} />
      ))}
    </aside>
  );
}
