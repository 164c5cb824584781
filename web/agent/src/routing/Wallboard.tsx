import { useMemo } from "react";
import { errorMessage } from "../api/client";
import { useRealtime } from "../realtime/RealtimeProvider";
import { AgentStateTiles } from "./AgentStateTiles";
import { AlertList } from "./AlertList";
import { useQueues, useWallboard } from "./queries";
import { QueueTable } from "./QueueTable";
import { SlaChart } from "./SlaChart";
import { WaitingBarChart } from "./WaitingBarChart";
import { WaitingTrend } from "./WaitingTrend";
import { wallboardRows } from "./wallboardRows";

/** The supervisor's view of the queues and the team, live from the router's frames. */
export function Wallboard() {
  const board = useWallboard();
  const queues = useQueues();
  const { status } = useRealtime();
  const live = board.data?.live ?? null;
  const names = useMemo(() => new Map((queues.data ?? []).map((q) => [q.id, q.name])), [queues.data]);
  const rows = useMemo(() => wallboardRows(live, board.data?.today ?? [], names), [live, board.data?.today, names]);

  return (
    <section className="admin wallboard" aria-labelledby="wallboard-title" data-testid="wallboard">
      <header className="admin__header area__header">
        <div className="admin__heading">
          <h1 className="admin__title" id="wallboard-title">Wallboard</h1>
          <p className="admin__sub">
            Queues and agents right now, service level today
            {status === "open" ? (
              <span className="live-dot" title="Live" aria-label="Live" />
            ) : (
              <span className="chip chip--warn wallboard__stale">not live: reconnecting</span>
            )}
          </p>
        </div>
      </header>
      <div className="admin__body wallboard__body">
        {board.isError && !board.data && (
          <div className="empty empty--error" role="alert">
            <p>{errorMessage(board.error)}</p>
            <button type="button" className="button" onClick={() => void board.refetch()}>
              Try again
            </button>
          </div>
        )}
        {board.isPending ? (
          <p className="empty">Loading the wallboard…</p>
        ) : (
          <>
            <AgentStateTiles agents={live?.agents ?? null} />
            <QueueTable rows={rows} at={live?.at ?? null} />
            <div className="wallboard__charts">
              <WaitingBarChart rows={rows} />
              <WaitingTrend />
              <SlaChart rows={rows} />
            </div>
            <AlertList />
          </>
        )}
      </div>
    </section>
  );
}
