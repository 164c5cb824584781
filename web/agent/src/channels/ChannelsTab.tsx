/**
 * Admin → Channels: the workspace's inboxes of webhook channels (WhatsApp,
 * Telegram, …), adding one from the form its channel's config_fields make,
 * and what to paste into the provider's console afterwards.
 */
import { useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { CopyButton, DangerButton, selectContents } from "../admin/parts";
import { ListState } from "../ui/ListState";
import { useChannels } from "./catalogue";
import { ConnectionTest } from "./ConnectionTest";
import { InboxForm } from "./InboxForm";
import { useInboxes, useRemoveInbox, type InboxOut } from "./inboxes";

/** A value to paste elsewhere, with its copy button (selects it when the clipboard is refused). */
function Pasteable({ label, value, testId }: { label: string; value: string; testId: string }) {
  const ref = useRef<HTMLElement>(null);
  return (
    <div className="secret__value">
      <code data-testid={testId} ref={ref}>
        {value}
      </code>
      <CopyButton text={value} label={`Copy ${label}`} select={() => selectContents(ref.current)} />
    </div>
  );
}

/** Shown after saving: the two values the provider's console asks for, and a first test. */
function NewInbox({ inbox, channelName, onDone }: { inbox: InboxOut; channelName: string; onDone(): void }) {
  return (
    <div className="secret" role="status" aria-labelledby="new-inbox-title" data-testid="inbox-created">
      <div className="secret__text">
        <h3 className="secret__title" id="new-inbox-title">
          Inbox “{inbox.name}” added
        </h3>
        <p>Paste these into the {channelName} console (its webhook settings), then test the connection.</p>
      </div>
      <p className="secret__hint">Webhook URL</p>
      <Pasteable label="URL" value={inbox.webhook_url} testId="inbox-created-url" />
      <p className="secret__hint">Verify token / signing secret</p>
      <Pasteable label="token" value={inbox.webhook_secret} testId="inbox-created-secret" />
      <ConnectionTest inboxId={inbox.id} />
      <p className="secret__hint">
        <button type="button" className="link-button" onClick={onDone}>
          Done
        </button>
      </p>
    </div>
  );
}

function InboxRow({ inbox, channelName }: { inbox: InboxOut; channelName: string }) {
  const remove = useRemoveInbox();
  return (
    <tr data-testid="inbox-row" data-inbox-id={inbox.id}>
      <td className="table__name">{inbox.name}</td>
      <td>{channelName}</td>
      <td>
        <Pasteable label="URL" value={inbox.webhook_url} testId="inbox-webhook-url" />
      </td>
      <td className="table__actions">
        <ConnectionTest inboxId={inbox.id} />
        <DangerButton
          label="Remove"
          pendingLabel="Removing…"
          failed="Could not remove"
          question={`Remove the inbox "${inbox.name}"? ${channelName} messages sent to its webhook are refused from now on.`}
          pending={remove.isPending}
          error={remove.isError ? errorMessage(remove.error) : null}
          testId="inbox-remove"
          onConfirmed={() => remove.mutate(inbox.id)}
        />
      </td>
    </tr>
  );
}

export function ChannelsTab() {
  const inboxes = useInboxes();
  const catalogue = useChannels();
  const [added, setAdded] = useState<InboxOut | null>(null);
  const list = inboxes.data ?? [];
  return (
    <div className="admin-grid">
      <div className="admin-stack">
        {added && <NewInbox inbox={added} channelName={catalogue.label(added.kind)} onDone={() => setAdded(null)} />}
        <section className="card" aria-labelledby="inboxes-title">
          <header className="card__header">
            <h2 className="card__title" id="inboxes-title">
              Inboxes
            </h2>
            {inboxes.isSuccess && <span className="card__count">{list.length}</span>}
          </header>
          <ListState
            query={inboxes}
            loading="Loading inboxes…"
            empty="No inboxes yet. Add one to take messages from WhatsApp, Telegram and the like."
            isEmpty={list.length === 0}
          />
          {list.length > 0 && (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Webhook URL</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((inbox) => (
                  <InboxRow key={inbox.id} inbox={inbox} channelName={catalogue.label(inbox.kind)} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
      <InboxForm channels={catalogue.withInboxes} loaded={catalogue.loaded} onAdded={setAdded} />
    </div>
  );
}
