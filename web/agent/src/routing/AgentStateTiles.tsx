import { AGENT_STATES, type AgentState, type AgentStates } from "./stats";

const LABELS: Record<AgentState, { label: string; hint: string }> = {
  available: { label: "Available", hint: "Online with nothing to do" },
  working: { label: "Working", hint: "Online, busy with work and room for more" },
  full: { label: "Full", hint: "Online, every slot taken" },
  busy: { label: "Busy", hint: "Set themselves busy" },
  away: { label: "Away", hint: "Stepped away" },
  offline: { label: "Offline", hint: "Not signed in or offline" },
};

/** How many agents are in each state right now. */
export function AgentStateTiles({ agents }: { agents: AgentStates | null }) {
  return (
    <div className="tiles tiles--six" data-testid="agent-states">
      {AGENT_STATES.map((state) => (
        <div key={state} className={`tile tile--${state}`} title={LABELS[state].hint} data-testid={`agents-${state}`}>
          <span className="tile__value">{agents ? agents[state] : "—"}</span>
          <span className="tile__label">
            <span className={`status__dot status__dot--${state}`} aria-hidden="true" /> {LABELS[state].label}
          </span>
        </div>
      ))}
    </div>
  );
}
