import { useState } from "react";
import { AgentProfiles } from "../routing/AgentProfiles";
import { useQueues, type QueueOut } from "../routing/queries";
import { QueueForm } from "../routing/QueueForm";
import { QueueList } from "../routing/QueueList";

type Editing = { kind: "new" } | { kind: "edit"; queue: QueueOut } | null;

/** Queues (steps, strategy, SLA, overflow…) and the agents' skills and capacity. */
export function RoutingTab() {
  const queues = useQueues();
  const [editing, setEditing] = useState<Editing>(null);
  return (
    <div className="admin-stack routing-tab">
      <QueueList
        editingId={editing?.kind === "edit" ? editing.queue.id : null}
        onEdit={(queue) => setEditing({ kind: "edit", queue })}
        onNew={() => setEditing({ kind: "new" })}
      />
      {editing && (
        <QueueForm
          key={editing.kind === "edit" ? editing.queue.id : "new"}
          queue={editing.kind === "edit" ? editing.queue : null}
          queues={queues.data ?? []}
          onDone={() => setEditing(null)}
        />
      )}
      <AgentProfiles />
    </div>
  );
}
