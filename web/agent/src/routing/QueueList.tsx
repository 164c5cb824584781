import { ListState } from "../ui/ListState";
import { useQueues, type QueueOut } from "./queries";
import { QueueListRow } from "./QueueListRow";

/** The workspace's queues, with Edit and Delete, and the button for a new one. */
export function QueueList({ editingId, onEdit, onNew }: { editingId: string | null; onEdit(queue: QueueOut): void; onNew(): void }) {
  const queues = useQueues();
  const list = queues.data ?? [];
  return (
    <section className="card" aria-labelledby="queues-title">
      <header className="card__header">
        <h2 className="card__title" id="queues-title">Queues</h2>
        {queues.isSuccess && <span className="card__count">{list.length}</span>}
        <span className="card__spacer" />
        <button type="button" className="button button--small button--primary" data-testid="queue-new" onClick={onNew}>
          New queue
        </button>
      </header>
      <ListState query={queues} loading="Loading queues…" empty="No queues yet: conversations go to “General”, made on the first one." isEmpty={list.length === 0} />
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Steps</th>
                <th scope="col">Strategy</th>
                <th scope="col">SLA</th>
                <th scope="col">Assign</th>
                <th scope="col" className="table__actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((queue) => (
                <QueueListRow key={queue.id} queue={queue} editing={queue.id === editingId} onEdit={() => onEdit(queue)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
