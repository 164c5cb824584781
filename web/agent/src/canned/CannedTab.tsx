import { useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { DangerButton } from "../admin/parts";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ListState } from "../ui/ListState";
import { useCannedResponses, useCannedVariables, useDeleteCanned, useSaveCanned, type CannedOut } from "./queries";

const FIELDS = ["title", "shortcut", "body"] as const;
type Field = (typeof FIELDS)[number];
const EMPTY = { title: "", shortcut: "", body: "" };

function CannedRow({ canned, onEdit }: { canned: CannedOut; onEdit(): void }) {
  const remove = useDeleteCanned();
  return (
    <tr data-testid="canned-row" data-shortcut={canned.shortcut}>
      <td>
        <code>/{canned.shortcut}</code>
      </td>
      <td className="table__name">{canned.title}</td>
      <td className="table__muted canned__excerpt">{canned.body}</td>
      <td className="table__actions">
        <button type="button" className="button button--small" data-testid="canned-edit" onClick={onEdit}>
          Edit
        </button>{" "}
        <DangerButton
          label="Delete"
          pendingLabel="Deleting…"
          failed="Could not delete"
          question={`Delete the canned response /${canned.shortcut}?`}
          pending={remove.isPending}
          error={remove.isError ? errorMessage(remove.error) : null}
          testId="canned-delete"
          onConfirmed={() => remove.mutate(canned.id)}
        />
      </td>
    </tr>
  );
}

function CannedForm({ editing, onDone }: { editing: CannedOut | null; onDone(): void }) {
  const save = useSaveCanned();
  const variables = useCannedVariables();
  const [draft, setDraft] = useState(editing ? { title: editing.title, shortcut: editing.shortcut, body: editing.body } : EMPTY);
  const [errors, setErrors] = useState<FormErrors<Field>>(NO_ERRORS);

  function change(field: Field, value: string) {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors(NO_ERRORS);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (save.isPending) return;
    save.mutate(
      { id: editing?.id ?? null, body: draft },
      {
        onSuccess() {
          setDraft(EMPTY);
          onDone();
        },
        onError(error) {
          setErrors(formErrors(error, FIELDS));
        },
      },
    );
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="canned-form-title" data-testid="canned-form">
      <header className="card__header">
        <h2 className="card__title" id="canned-form-title">
          {editing ? `Edit /${editing.shortcut}` : "Add a canned response"}
        </h2>
      </header>
      <div className="card__body admin-form__body">
        <FormField field="title" label="Title" required error={errors.fields.title}>
          {(control) => (
            <input {...control} data-testid="canned-title" value={draft.title} onChange={(e) => change("title", e.target.value)} />
          )}
        </FormField>
        <FormField
          field="shortcut"
          label="Shortcut"
          required
          error={errors.fields.shortcut}
          hint="Agents type / and this in the reply box, e.g. “vraceni”."
        >
          {(control) => (
            <input
              {...control}
              data-testid="canned-shortcut"
              autoComplete="off"
              value={draft.shortcut}
              onChange={(e) => change("shortcut", e.target.value)}
            />
          )}
        </FormField>
        <FormField
          field="body"
          label="Text"
          required
          error={errors.fields.body}
          hint={
            <>
              Variables:{" "}
              {(variables.data ?? []).map((v, i) => (
                <span key={v.name} title={v.description}>
                  {i > 0 && ", "}
                  <code>{`{{${v.name}}}`}</code>
                </span>
              ))}
              . One with no value in a conversation is left empty and the agent is warned.
            </>
          }
        >
          {(control) => (
            <textarea {...control} rows={6} data-testid="canned-body" value={draft.body} onChange={(e) => change("body", e.target.value)} />
          )}
        </FormField>
        <FormError message={errors.form} />
        <div className="canned__buttons">
          <button type="submit" className="button button--primary" data-testid="canned-save" disabled={save.isPending}>
            {save.isPending ? "Saving…" : editing ? "Save changes" : "Add"}
          </button>
          {editing && (
            <button type="button" className="button" onClick={onDone}>
              Cancel
            </button>
          )}
        </div>
      </div>
    </form>
  );
}

/** Admin → Canned responses: the team's saved replies, used with "/" in the reply box. */
export function CannedTab() {
  const canned = useCannedResponses();
  const [editing, setEditing] = useState<CannedOut | null>(null);
  const list = canned.data ?? [];
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="canned-title">
        <header className="card__header">
          <h2 className="card__title" id="canned-title">Canned responses</h2>
          {canned.isSuccess && <span className="card__count">{list.length}</span>}
        </header>
        <ListState query={canned} loading="Loading canned responses…" empty="No canned responses yet." isEmpty={list.length === 0} />
        {list.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Shortcut</th>
                <th scope="col">Title</th>
                <th scope="col">Text</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <CannedRow key={c.id} canned={c} onEdit={() => setEditing(c)} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <CannedForm key={editing?.id ?? "new"} editing={editing} onDone={() => setEditing(null)} />
    </div>
  );
}
