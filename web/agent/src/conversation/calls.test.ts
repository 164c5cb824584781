import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { applyCall, callKeys, callLine, formatDuration, liveCall, type CallOut } from "./calls";

function call(over: Partial<CallOut> = {}): CallOut {
  return {
    id: "k1",
    conversation_id: "c1",
    contact_id: "p1",
    agent_id: null,
    direction: "outbound",
    from_number: "+420228880100",
    to_number: "+420777123456",
    status: "requested",
    outcome: null,
    started_at: "2026-12-03T12:00:00Z",
    answered_at: null,
    ended_at: null,
    duration_seconds: null,
    recording_url: null,
    ...over,
  };
}

describe("calls", () => {
  it("reads each state of a call", () => {
    const now = Date.parse("2026-12-03T12:01:05Z");
    expect(callLine(call(), now)).toBe("Ringing your phone…");
    expect(callLine(call({ status: "ringing" }), now)).toBe("Ringing +420777123456…");
    expect(callLine(call({ status: "answered", answered_at: "2026-12-03T12:00:53Z" }), now)).toBe("On call 0:12");
    expect(callLine(call({ status: "ended", outcome: "no_answer", duration_seconds: 0 }), now)).toBe("Call ended: no answer");
    expect(callLine(call({ status: "ended", outcome: "reached", duration_seconds: 65 }), now)).toBe("Call ended: answered · 1:05");
    expect(callLine(call({ direction: "inbound", status: "ringing", from_number: "+420601" }), now)).toBe(
      "Incoming call from +420601",
    );
    expect(formatDuration(3599)).toBe("59:59");
  });

  it("merges frames into a loaded conversation and keeps only ringing inbound calls to pop", () => {
    const client = new QueryClient();
    client.setQueryData(callKeys.conversation("c1"), { items: [call()] });
    applyCall(client, call({ status: "ringing" }));
    applyCall(client, call({ id: "k2", conversation_id: "c9" })); // not loaded: left alone
    expect(client.getQueryData<{ items: CallOut[] }>(callKeys.conversation("c1"))?.items.map((c) => c.status)).toEqual([
      "ringing",
    ]);
    expect(client.getQueryData(callKeys.conversation("c9"))).toBeUndefined();
    const inbound = call({ id: "k3", direction: "inbound", status: "ringing" });
    applyCall(client, inbound);
    expect(client.getQueryData<CallOut[]>(callKeys.ringing)?.map((c) => c.id)).toEqual(["k3"]);
    applyCall(client, { ...inbound, status: "answered" });
    expect(client.getQueryData<CallOut[]>(callKeys.ringing)).toEqual([]);
    expect(liveCall([call({ status: "ended" }), call({ id: "k4", status: "answered" })])?.id).toBe("k4");
  });
});
