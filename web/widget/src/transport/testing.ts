// Test helpers (imported by *.test.ts only): a fake WebSocket and a
// Connection wired to it.

import { vi } from "vitest";
import type { KeyValueStore } from "../storage";
import { Connection, type SocketLike } from "./connection";

export class FakeSocket implements SocketLike {
  readyState = 1;
  sent: Record<string, unknown>[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) } as MessageEvent);
  }
  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
  sentOfType(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

export function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

export const hello = (messages: object[] = [], conversation: object | null = null) => ({
  type: "hello",
  v: 1,
  visitor_id: "v_1",
  conversation,
  messages,
});

export function fakeConnection(token = "tok") {
  const sockets: FakeSocket[] = [];
  let currentToken = token;
  const renewToken = vi.fn(async () => {
    currentToken = "renewed";
  });
  const connection = new Connection({
    origin: "https://chat.example.com",
    siteKey: "pk_1",
    getToken: () => currentToken,
    renewToken,
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
  });
  const last = (): FakeSocket => {
    const socket = sockets[sockets.length - 1];
    if (!socket) throw new Error("no socket");
    return socket;
  };
  return { connection, sockets, renewToken, last };
}
