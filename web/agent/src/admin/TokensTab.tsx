import { useRef, useState, type FormEvent } from "react";
import { errorMessage } from "../api/client";
import { NO_ERRORS, formErrors, type FormErrors } from "../ui/formErrors";
import { FormError, FormField } from "../ui/FormField";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { CopyButton, DangerButton, selectContents } from "./parts";
import { useApiTokens, useCreateApiToken, useRevokeApiToken, type ApiTokenCreated, type ApiTokenOut } from "./queries";

const TOKEN_FIELDS = ["name"] as const;
type TokenField = (typeof TOKEN_FIELDS)[number];

function TokenRow({ token }: { token: ApiTokenOut }) {
  const revoke = useRevokeApiToken();
  return (
    <tr data-testid="token-row" data-token-id={token.id}>
      <td className="table__name">{token.name}</td>
      <td>
        <code className="token-prefix">{token.prefix}…</code>
      </td>
      <td className="table__muted">
        <time dateTime={token.created_at}>{formatDateTime(token.created_at)}</time>
      </td>
      <td className="table__muted">
        {token.last_used_at ? <time dateTime={token.last_used_at}>{formatDateTime(token.last_used_at)}</time> : "Never"}
      </td>
      <td className="table__actions">
        <DangerButton
          label="Revoke"
          pendingLabel="Revoking…"
          failed="Could not revoke"
          question={`Revoke the API token "${token.name}"? Integrations using it stop working at once.`}
          pending={revoke.isPending}
          error={revoke.isError ? errorMessage(revoke.error) : null}
          testId="token-revoke"
          onConfirmed={() => revoke.mutate(token.id)}
        />
      </td>
    </tr>
  );
}

/** The new secret, shown this once: it lives in this component's state only. */
function NewSecret({ created, onDone }: { created: ApiTokenCreated; onDone(): void }) {
  const valueRef = useRef<HTMLElement>(null);
  return (
    <div className="secret" role="status" aria-labelledby="secret-title">
      <div className="secret__text">
        <h3 className="secret__title" id="secret-title">
          Token “{created.name}” created
        </h3>
        <p>Copy it now and keep it like a password: it will not be shown again.</p>
      </div>
      <div className="secret__value">
        <code data-testid="token-secret" ref={valueRef}>
          {created.token}
        </code>
        <CopyButton text={created.token} select={() => selectContents(valueRef.current)} />
      </div>
      <p className="secret__hint">
        Send it as <code>Authorization: Bearer {created.prefix}…</code> — no cookie or CSRF header needed.{" "}
        <button type="button" className="link-button" onClick={onDone}>
          Done
        </button>
      </p>
    </div>
  );
}

function CreateTokenForm({ onCreated }: { onCreated(created: ApiTokenCreated): void }) {
  const create = useCreateApiToken();
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<FormErrors<TokenField>>(NO_ERRORS);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (create.isPending) return;
    setErrors(NO_ERRORS);
    create.mutate(name.trim(), {
      onSuccess(created) {
        setName("");
        onCreated(created);
      },
      onError(error) {
        setErrors(formErrors(error, TOKEN_FIELDS));
      },
    });
  }

  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="add-token-title">
      <header className="card__header">
        <h2 className="card__title" id="add-token-title">Create an API token</h2>
      </header>
      <div className="card__body admin-form__body">
        <p className="admin-form__intro">For integrations and scripts. A token acts as you, with your admin rights, until it is revoked.</p>
        <FormField field="name" label="Name" error={errors.fields.name} hint="What uses it, e.g. “CRM sync”.">
          {(control) => (
            <input
              {...control}
              data-testid="token-form-name"
              autoComplete="off"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setErrors(NO_ERRORS);
              }}
            />
          )}
        </FormField>
        <FormError message={errors.form} />
        <button type="submit" className="button button--primary" data-testid="token-form-submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </button>
      </div>
    </form>
  );
}

export function TokensTab() {
  const tokens = useApiTokens();
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const list = tokens.data ?? [];
  return (
    <div className="admin-grid">
      <div className="admin-stack">
        {created && <NewSecret created={created} onDone={() => setCreated(null)} />}
        <section className="card" aria-labelledby="tokens-title">
          <header className="card__header">
            <h2 className="card__title" id="tokens-title">API tokens</h2>
            {tokens.isSuccess && <span className="card__count">{list.length}</span>}
          </header>
          <ListState query={tokens} loading="Loading API tokens…" empty="No API tokens yet." isEmpty={list.length === 0} />
          {list.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Token</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((token) => (
                  <TokenRow key={token.id} token={token} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <CreateTokenForm onCreated={setCreated} />
    </div>
  );
}
