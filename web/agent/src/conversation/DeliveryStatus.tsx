import type { DeliveryOut } from "../api/client";
import { deliveryView } from "./deliveryStatus";

interface Props {
  delivery: DeliveryOut;
  retrying: boolean;
  retryError: string | null;
  onRetry(deliveryId: string): void;
}

/** Beside an outgoing message: sending…, sent, delivered, read, or why it was not. */
export function DeliveryStatus({ delivery, retrying, retryError, onRetry }: Props) {
  const view = deliveryView(delivery);
  return (
    <div
      className={`delivery delivery--${view.tone}`}
      data-testid="delivery"
      data-delivery-status={delivery.status}
      role={delivery.status === "failed" ? "alert" : undefined}
    >
      <span className="delivery__label">{view.label}</span>
      {view.reason && <span className="delivery__reason">{view.reason}</span>}
      {view.retryable && (
        <button type="button" className="link-button" disabled={retrying} onClick={() => onRetry(delivery.id)}>
          {retrying ? "Retrying…" : "Retry now"}
        </button>
      )}
      {retryError && <span className="delivery__reason">{retryError}</span>}
    </div>
  );
}
