import { errorMessage } from "../api/client";
import { formatDuration } from "../ui/duration";
import { useChannels } from "../channels/catalogue";
import { useDeleteQueue, type QueueOut } from "./queries";

/** One queue in the admin list. */
export function QueueListRow({ queue, editing, onEdit }: { queue: QueueOut; editing: boolean; onEdit(): void }) {
  const channels = useChannels();
  const remove = useDeleteQueue();
  const sla = Object.entries(queue.sla_seconds);
  return (
    <tr data-testid="queue-row" data-queue-name={queue.name} className={editing ? "table__row--open" : undefined}>
      <td>
        <div className="table__name">{queue.name}</div>
        {queue.channels.length > 0 && <div className="table__muted queue-row__channels">Default for {queue.channels.map(channels.label).join(", ")}</div>}
      </td>
      <td>
        <ol className="queue-row__steps">
          {queue.steps.map((step, i) => (
            <li key={i}>
              <code>{step.target || "any agent"}</code>
              {step.timeout_seconds ? <span className="table__muted"> · {formatDuration(step.timeout_seconds)}</span> : null}
            </li>
          ))}
        </ol>
      </td>
      <td className="table__muted">{queue.strategy === "longest_idle" ? "Longest idle" : "Least occupied"}</td>
      <td className="table__muted">{sla.length === 0 ? "defaults" : sla.map(([c, s]) => `${channels.label(c)} ${formatDuration(s)}`).join(", ")}</td>
      <td>{queue.auto_accept ? <span className="chip queue-row__assign">at once</span> : <span className="chip chip--accent queue-row__assign">accept/reject</span>}</td>
      <td className="table__actions">
        {remove.isError && (
          <span className="table__error" role="alert" data-testid="queue-delete-error">
            {errorMessage(remove.error)}
          </span>
        )}
        <button type="button" className="button button--small" data-testid="queue-edit" onClick={onEdit}>
          Edit
        </button>{" "}
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="queue-delete"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete the queue “${queue.name}”? Conversations for its channels then go to another queue.`)) remove.mutate(queue.id);
          }}
        >
          Delete
        </button>
      </td>
    </tr>
  );
}
