import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { api, unwrap } from "../api/client";
import { keys } from "../api/keys";
import { selectConversation, useSelectedConversationId } from "../app/selection";
import { callKeys, type CallOut } from "./calls";
import "./calls.css";

/** The call's conversation, to see whom routing gave it to. */
function useConversationOf(call: CallOut) {
  return useQuery({
    queryKey: keys.conversation(call.conversation_id),
    queryFn: () =>
      unwrap(api.GET("/v1/conversations/{conversation_id}", { params: { path: { conversation_id: call.conversation_id } } })),
  });
}

function IncomingCall({ call, meId }: { call: CallOut; meId: string }) {
  const conversation = useConversationOf(call);
  const selected = useSelectedConversationId();
  const popped = useRef(false);
  const assignee = conversation.data?.assignee?.id ?? null;
  const mine = assignee === meId;
  useEffect(() => {
    // Routing gave the call to me: pop the caller's profile before I pick up.
    if (mine && !popped.current) {
      popped.current = true;
      selectConversation(call.conversation_id);
    }
  }, [mine, call.conversation_id]);
  if (assignee !== null && !mine) return null; // a colleague's call
  const name = conversation.data?.contact.name ?? call.from_number;
  return (
    <div className="card incoming-call" role="status" data-testid="incoming-call" data-conversation={call.conversation_id}>
      <span>
        <strong>Incoming call</strong> from {name}
        {name !== call.from_number ? ` (${call.from_number})` : ""}
        {mine ? " — ringing your phone next" : ""}
      </span>
      {selected !== call.conversation_id && (
        <button type="button" className="button button--small" data-testid="incoming-call-open" onClick={() => selectConversation(call.conversation_id)}>
          Open profile
        </button>
      )}
    </div>
  );
}

/** Inbound calls still ringing (from `call.updated` frames), each with its caller. */
export function IncomingCalls({ meId }: { meId: string }) {
  const ringing = useQuery<CallOut[]>({ queryKey: callKeys.ringing, queryFn: () => [], staleTime: Infinity, initialData: [] });
  if (ringing.data.length === 0) return null;
  return (
    <div className="incoming-calls" aria-label="Incoming calls">
      {ringing.data.map((call) => (
        <IncomingCall key={call.id} call={call} meId={meId} />
      ))}
    </div>
  );
}
