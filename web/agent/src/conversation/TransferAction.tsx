import { useState } from "react";
import { TransferForm } from "./TransferForm";
import { t } from "../i18n/i18n";

/** The header's "Transfer" button and its form (open conversations only). */
export function TransferAction({ conversationId, meId, disabled }: { conversationId: string; meId: string; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="ticket-create">
      <button
        type="button"
        className="button button--small"
        data-testid="transfer-open"
        aria-expanded={open}
        disabled={disabled}
        title={disabled ? t("transfer.onlyOpen") : t("transfer.title")}
        onClick={() => setOpen((o) => !o)}
      >
        {t("transfer.button")}
      </button>
      {open && !disabled && <TransferForm conversationId={conversationId} meId={meId} onDone={() => setOpen(false)} />}
    </div>
  );
}
