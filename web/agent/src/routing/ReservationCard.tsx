import { useEffect } from "react";
import { ApiError, errorMessage } from "../api/client";
import { selectConversation } from "../app/selection";
import { useConversation } from "../conversation/queries";
import { useNow } from "../inbox/useNow";
import { useChannels } from "../channels/catalogue";
import { useRoutingLive } from "./liveStore";
import { useAnswerReservation, useDropReservation } from "./queries";
import { countdownLabel, secondsLeft } from "./reservations";
import type { TaskOut } from "./stats";

const GONE_SHOWN_MS = 6_000;

/** Work the router offers me: who, from where, how long I have; accept (and open it) or reject. */
export function ReservationCard({ task }: { task: TaskOut }) {
  const channels = useChannels();
  const answer = useAnswerReservation();
  const drop = useDropReservation();
  const conversation = useConversation(task.conversation_id);
  const { clockOffsetMs } = useRoutingLive();
  const now = useNow(500);
  const left = secondsLeft(task.reservation_expires_at, now, clockOffsetMs);
  const expired = left === 0;
  // 409: the reservation ended on the server (timed out, taken back) before my answer.
  const gone = answer.error instanceof ApiError && answer.error.status === 409;

  useEffect(() => {
    if (!gone) return;
    const timer = setTimeout(() => drop(task.id), GONE_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [gone, drop, task.id]);

  const contact = conversation.data?.contact.name;
  const preview = conversation.data?.last_message?.body;
  return (
    <article
      className={`reservation${expired || gone ? " reservation--over" : left !== null && left <= 10 ? " reservation--urgent" : ""}`}
      aria-label={`Incoming ${channels.label(task.channel)}${contact ? ` from ${contact}` : ""}`}
      data-testid="reservation-card"
      data-task-id={task.id}
      data-conversation-id={task.conversation_id}
    >
      <header className="reservation__header">
        <span className="chip chip--accent">{channels.label(task.channel)}</span>
        <span className="reservation__queue" data-testid="reservation-queue">
          {task.queue_name ?? "Queue"}
        </span>
        <span className="reservation__countdown" data-testid="reservation-countdown" title="Time left to accept" aria-live="off">
          {left === null ? "" : expired ? "Expired" : countdownLabel(left)}
        </span>
      </header>
      <div className="reservation__body">
        <div className="reservation__who">{contact ?? "A new conversation"}</div>
        {preview && <p className="reservation__preview">{preview}</p>}
      </div>
      {answer.isError ? (
        <p className="reservation__error" role="alert" data-testid="reservation-error">
          {gone ? "Too late: this reservation ended and the conversation went back to the queue." : errorMessage(answer.error)}
        </p>
      ) : null}
      <div className="reservation__actions">
        {gone || expired ? (
          <button type="button" className="button button--small" onClick={() => drop(task.id)}>
            Dismiss
          </button>
        ) : (
          <>
            <button
              type="button"
              className="button button--small"
              data-testid="reservation-reject"
              disabled={answer.isPending}
              onClick={() => answer.mutate({ task, answer: "reject" })}
            >
              Reject
            </button>
            <button
              type="button"
              className="button button--primary button--small"
              data-testid="reservation-accept"
              disabled={answer.isPending}
              onClick={() => answer.mutate({ task, answer: "accept" }, { onSuccess: () => selectConversation(task.conversation_id) })}
            >
              {answer.isPending && answer.variables?.answer === "accept" ? "Accepting…" : "Accept"}
            </button>
          </>
        )}
      </div>
    </article>
  );
}
