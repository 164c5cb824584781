import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TypingNotifier } from "./typing";

describe("TypingNotifier", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("sends true once while typing and false after 3 s idle", () => {
    const send = vi.fn();
    const typing = new TypingNotifier(send);
    typing.input();
    vi.advanceTimersByTime(2000);
    typing.input();
    vi.advanceTimersByTime(2999);
    expect(send.mock.calls).toEqual([[true]]);
    vi.advanceTimersByTime(1);
    expect(send.mock.calls).toEqual([[true], [false]]);
  });

  it("sends false at once on send, and nothing when not typing", () => {
    const send = vi.fn();
    const typing = new TypingNotifier(send);
    typing.stop();
    expect(send).not.toHaveBeenCalled();
    typing.input();
    typing.stop();
    vi.advanceTimersByTime(5000);
    expect(send.mock.calls).toEqual([[true], [false]]);
  });
});
