import { useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { CobrowseSettings } from "../cobrowse/CobrowseSettings";
import { ListState } from "../ui/ListState";
import { formatDateTime } from "../ui/dateTime";
import { IdentitySecret } from "./IdentitySecret";
import { CopyButton, selectContents } from "./parts";
import { useChangeSiteKey, useCreateSiteKey, useDeleteSiteKey, useSiteKeys, type SiteKeyOut } from "./queries";
import { SiteForm } from "./SiteForm";
import { EMPTY_SITE_FORM, siteFormOf, widgetSetting as setting } from "./siteForm";
import { embedSnippet } from "./snippet";

/** Changes a key's name, origins and widget settings; the key (and so the snippet) stays. */
function EditSite({ siteKey, onDone }: { siteKey: SiteKeyOut; onDone: () => void }) {
  const change = useChangeSiteKey(siteKey.id);
  return (
    <SiteForm
      className="admin-form"
      label={`Edit ${siteKey.name}`}
      initial={siteFormOf(siteKey)}
      save={async (body) => {
        await change.mutateAsync(body);
        onDone();
      }}
      pending={change.isPending}
      testId="site-edit"
      idPrefix={`site-${siteKey.id}`}
      submitLabel="Save changes"
      pendingLabel="Saving…"
      onCancel={onDone}
    />
  );
}

function SiteRow({ siteKey, serverOrigin }: { siteKey: SiteKeyOut; serverOrigin: string }) {
  const remove = useDeleteSiteKey();
  const [editing, setEditing] = useState(false);
  const snippetRef = useRef<HTMLPreElement>(null);
  const snippet = embedSnippet(serverOrigin, siteKey.key);

  function confirmDelete() {
    const question = `Delete the site key "${siteKey.name}"? The chat disappears from every page that uses ${siteKey.key}.`;
    if (window.confirm(question)) remove.mutate(siteKey.id);
  }

  return (
    <article className="site" data-testid="site-row" data-key={siteKey.key} aria-label={siteKey.name}>
      <header className="site__header">
        <span className="site__swatch" style={{ backgroundColor: setting(siteKey, "color") }} aria-hidden="true" />
        <div className="site__who">
          <h3 className="site__name">{siteKey.name}</h3>
          <code className="site__key">{siteKey.key}</code>
        </div>
        <button
          type="button"
          className="button button--small"
          data-testid="site-edit"
          aria-expanded={editing}
          disabled={editing}
          onClick={() => setEditing(true)}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="site-delete"
          disabled={remove.isPending}
          onClick={confirmDelete}
        >
          {remove.isPending ? "Deleting…" : "Delete"}
        </button>
      </header>
      {remove.isError && (
        <p className="form-error" role="alert">
          Could not delete: {errorMessage(remove.error)}
        </p>
      )}
      {editing ? (
        <EditSite siteKey={siteKey} onDone={() => setEditing(false)} />
      ) : (
        <dl className="site__meta">
          <dt>Allowed origins</dt>
          <dd className="site__origins">
            {siteKey.allowed_origins.map((origin) => (
              <span key={origin} className="chip chip--mono">
                {origin}
              </span>
            ))}
          </dd>
          <dt>Widget</dt>
          <dd>
            <strong>{setting(siteKey, "title")}</strong>
            <span className="site__greeting"> · “{setting(siteKey, "greeting")}”</span>
          </dd>
          <dt>Created</dt>
          <dd>
            <time dateTime={siteKey.created_at}>{formatDateTime(siteKey.created_at)}</time>
          </dd>
          <dt>Signed-in customers</dt>
          <dd>
            <IdentitySecret siteKeyId={siteKey.id} />
          </dd>
        </dl>
      )}
      <div className="snippet">
        <div className="snippet__bar">
          <span>Paste into every page, before &lt;/body&gt;</span>
          <CopyButton text={snippet} label="Copy snippet" select={() => selectContents(snippetRef.current)} />
        </div>
        <pre className="snippet__code" data-testid="site-snippet" ref={snippetRef}>
          {snippet}
        </pre>
      </div>
    </article>
  );
}

function AddSiteForm() {
  const create = useCreateSiteKey();
  return (
    <SiteForm
      className="card admin-form"
      labelledBy="add-site-title"
      initial={EMPTY_SITE_FORM}
      save={(body) => create.mutateAsync(body)}
      pending={create.isPending}
      testId="site-form"
      idPrefix="field"
      submitLabel="Create site key"
      pendingLabel="Creating…"
      resetOnSave
    >
      <header className="card__header">
        <h2 className="card__title" id="add-site-title">
          Add a website
        </h2>
      </header>
    </SiteForm>
  );
}

export function WebsitesTab() {
  const siteKeys = useSiteKeys();
  const list = siteKeys.data ?? [];
  const serverOrigin = window.location.origin;
  return (
    <div className="admin-grid">
      <section className="card" aria-labelledby="sites-title">
        <header className="card__header">
          <h2 className="card__title" id="sites-title">
            Websites
          </h2>
          {siteKeys.isSuccess && <span className="card__count">{list.length}</span>}
        </header>
        <ListState
          query={siteKeys}
          loading="Loading site keys…"
          empty="No websites yet. Add one to get its chat snippet."
          isEmpty={list.length === 0}
        />
        {list.length > 0 && (
          <div className="site-list">
            {list.map((siteKey) => (
              <SiteRow key={siteKey.id} siteKey={siteKey} serverOrigin={serverOrigin} />
            ))}
          </div>
        )}
      </section>
      <AddSiteForm />
      <CobrowseSettings />
    </div>
  );
}
