import { useState } from "react";
import { errorMessage } from "../api/client";
import { useUsers } from "../conversation/queries";
import { formatDateTime } from "../ui/dateTime";
import { FormError } from "../ui/FormField";
import { describeActor, movedLabel } from "./format";
import { useContact, useContactSearch, useMergeContacts, useMerges, useUndoMerge, type ContactOut, type ContactSummary, type MergeOut } from "./queries";
import { openContacts } from "./route";
import { useDebounced } from "./useDebounced";

/**
 * Merges into this contact: pick another contact by search, confirm, and the
 * other one's identities, conversations, orders and history move here. Every
 * merge is listed with an Undo (the server moves back exactly what moved).
 */
export function MergeSection({ contact, canMerge }: { contact: ContactOut; canMerge: boolean }) {
  const merges = useMerges(contact.id);
  const [picking, setPicking] = useState(false);
  const list = merges.data ?? [];

  return (
    <section className="pane" aria-label="Merges" data-testid="contact-merges">
      <header className="pane__header">
        <h3 className="pane__title">Merges</h3>
        {merges.isSuccess && <span className="card__count">{list.length}</span>}
        <span className="card__spacer" />
        {canMerge && !picking && (
          <button type="button" className="button button--small" data-testid="contact-merge" onClick={() => setPicking(true)}>
            Merge another contact in…
          </button>
        )}
      </header>
      {picking && <MergePicker target={contact} onDone={() => setPicking(false)} />}
      {merges.isError && <p className="pane__note field__error">{errorMessage(merges.error)}</p>}
      {merges.isSuccess && list.length === 0 && !picking && <p className="pane__note">No merges. Duplicates of this customer can be merged into this profile.</p>}
      {list.length > 0 && (
        <ul className="merges">
          {list.map((merge) => (
            <MergeRow key={merge.id} merge={merge} contactId={contact.id} canUndo={canMerge} />
          ))}
        </ul>
      )}
    </section>
  );
}

function MergeRow({ merge, contactId, canUndo }: { merge: MergeOut; contactId: string; canUndo: boolean }) {
  const users = useUsers();
  const undo = useUndoMerge();
  const intoHere = merge.target_id === contactId;
  const otherId = intoHere ? merge.source_id : merge.target_id;
  const other = useContact(otherId);
  const otherName = other.data?.name ?? "another contact";
  const moved = Object.entries(merge.moved)
    .filter(([, ids]) => ids.length > 0)
    .map(([what, ids]) => movedLabel(what, ids.length))
    .join(", ");
  const userName = (id: string) => users.data?.find((u) => u.id === id)?.name;

  return (
    <li className={`merge${merge.undone_at ? " merge--undone" : ""}`} data-testid="merge-row" data-merge-id={merge.id} data-undone={merge.undone_at ? "true" : "false"}>
      <div className="merge__main">
        <div className="merge__what">
          {intoHere ? "Merged in " : "Merged into "}
          <button type="button" className="link-button" onClick={() => openContacts({ view: "contact", id: otherId })}>
            {otherName}
          </button>
          <span className="chip">{merge.reason}</span>
        </div>
        <div className="merge__meta">
          {formatDateTime(merge.created_at)} · {describeActor(merge.actor, userName)}
          {moved ? ` · moved ${moved}` : ""}
        </div>
        {merge.undone_at && (
          <div className="merge__meta">
            Undone {formatDateTime(merge.undone_at)}
            {merge.undone_by ? ` by ${describeActor(merge.undone_by, userName)}` : ""}
          </div>
        )}
        {undo.isError && <p className="field__error" role="alert">{errorMessage(undo.error)}</p>}
      </div>
      {canUndo && !merge.undone_at && (
        <button type="button" className="button button--small" data-testid="merge-undo" disabled={undo.isPending} onClick={() => undo.mutate(merge.id)}>
          {undo.isPending ? "Undoing…" : "Undo"}
        </button>
      )}
    </li>
  );
}

function MergePicker({ target, onDone }: { target: ContactOut; onDone(): void }) {
  const [query, setQuery] = useState("");
  const q = useDebounced(query.trim());
  const results = useContactSearch(q, 0, q.length > 0);
  const [source, setSource] = useState<ContactSummary | null>(null);
  const merge = useMergeContacts(target.id);
  const candidates = (results.data?.items ?? []).filter((c) => c.id !== target.id);

  if (source) {
    return (
      <div className="merge-picker merge-picker--confirm" role="group" aria-label="Confirm the merge">
        <p>
          Merge <strong>{source.name}</strong>
          {source.email ? ` (${source.email})` : ""} into <strong>{target.name}</strong>? Their identities, conversations, orders and history move
          here, and <strong>{source.name}</strong> disappears from the list. You can undo it.
        </p>
        <FormError message={merge.isError ? errorMessage(merge.error) : null} />
        <div className="form-actions">
          <button type="button" className="button button--ghost" onClick={() => { merge.reset(); setSource(null); }}>
            Back
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="merge-confirm"
            disabled={merge.isPending}
            onClick={() => merge.mutate(source.id, { onSuccess: onDone })}
          >
            {merge.isPending ? "Merging…" : "Merge"}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="merge-picker" role="group" aria-label="Pick the contact to merge in">
      <div className="merge-picker__search">
        <input
          className="search-input"
          type="search"
          placeholder="Search by name, e-mail, customer id or phone"
          aria-label="Contact to merge in"
          data-testid="merge-search"
          value={query}
          autoFocus
          onChange={(e) => setQuery(e.target.value)}
        />
        <button type="button" className="button button--ghost button--small" onClick={onDone}>
          Cancel
        </button>
      </div>
      {q && results.isError && <p className="field__error">{errorMessage(results.error)}</p>}
      {q && results.isSuccess && candidates.length === 0 && <p className="pane__note">No other contact matches.</p>}
      {candidates.length > 0 && (
        <ul className="merge-picker__results">
          {candidates.map((c) => (
            <li key={c.id}>
              <button type="button" className="merge-candidate" data-testid="merge-candidate" data-contact-id={c.id} onClick={() => setSource(c)}>
                <span className="merge-candidate__name">{c.name}</span>
                <span className="merge-candidate__sub">{[c.email, c.phone].filter(Boolean).join(" · ") || "no e-mail or phone"}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
