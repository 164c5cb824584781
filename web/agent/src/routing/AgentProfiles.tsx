import { Fragment, useState } from "react";
import type { Presence } from "../api/client";
import { Avatar } from "../app/Avatar";
import { PresenceStatus } from "../presence/PresenceStatus";
import { ListState } from "../ui/ListState";
import { AgentProfileForm } from "./AgentProfileForm";
import { useChannels } from "../channels/catalogue";
import { useRoutingAgents } from "./queries";

/** Everyone's skills and capacity per channel (what the queues' targets match against). */
export function AgentProfiles() {
  const channels = useChannels();
  const agents = useRoutingAgents();
  const [editing, setEditing] = useState<string | null>(null);
  const list = agents.data ?? [];
  return (
    <section className="card" aria-labelledby="agent-profiles-title">
      <header className="card__header">
        <h2 className="card__title" id="agent-profiles-title">Agents: skills and capacity</h2>
        {agents.isSuccess && <span className="card__count">{list.length}</span>}
      </header>
      <ListState query={agents} loading="Loading the team…" empty="No users yet." isEmpty={list.length === 0} />
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Status</th>
                <th scope="col">Skills</th>
                <th scope="col">Capacity</th>
                <th scope="col" className="table__actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((agent) => (
                <Fragment key={agent.id}>
                  <tr data-testid="agent-profile-row" data-agent-name={agent.name} className={editing === agent.id ? "table__row--open" : undefined}>
                    <td>
                      <span className="table__who">
                        <Avatar name={agent.name} size="sm" />
                        <span className="table__name">{agent.name}</span>
                        <span className="chip">{agent.role}</span>
                      </span>
                    </td>
                    <td>
                      <PresenceStatus presence={agent.presence as Presence} reason={agent.presence_reason} />
                    </td>
                    <td>
                      {Object.keys(agent.skills).length === 0 ? (
                        <span className="table__muted">—</span>
                      ) : (
                        <span className="skill-chips">
                          {Object.entries(agent.skills)
                            .sort(([a], [b]) => a.localeCompare(b))
                            .map(([name, level]) => (
                              <span key={name} className="chip chip--mono" title={`${name}, level ${level} of 5`}>
                                {name} {level}
                              </span>
                            ))}
                        </span>
                      )}
                    </td>
                    <td className="table__muted">
                      {Object.entries(agent.capacity)
                        .map(([channel, slots]) => `${channels.label(channel)} ${slots}`)
                        .join(" · ")}
                    </td>
                    <td className="table__actions">
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="agent-profile-edit"
                        aria-expanded={editing === agent.id}
                        onClick={() => setEditing((id) => (id === agent.id ? null : agent.id))}
                      >
                        Edit
                      </button>
                    </td>
                  </tr>
                  {editing === agent.id && (
                    <tr className="table__subrow">
                      <td colSpan={5}>
                        <AgentProfileForm agent={agent} onDone={() => setEditing(null)} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
