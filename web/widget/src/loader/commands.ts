// The `hovor(...)` command function that replaces the snippet's queueing stub.
// Commands nobody handles yet are kept (bounded) and replayed when a handler
// registers, so `hovor("open")` works before widget.js has loaded and a
// later tracker can add `track`/`identify`/`consent` without losing calls.

import type { CommandHandler } from "../boot";

const MAX_BUFFERED = 100;

export interface Dispatcher {
  call(name: unknown, ...args: unknown[]): void;
  register(name: string, handler: CommandHandler): void;
}

export function createDispatcher(): Dispatcher {
  const handlers: Record<string, CommandHandler> = {};
  const buffered: { name: string; args: unknown[] }[] = [];

  const run = (handler: CommandHandler, name: string, args: unknown[]): void => {
    try {
      handler(...args);
    } catch (err) {
      console.error(`[hovor] command "${name}" failed`, err);
    }
  };

  return {
    call(name, ...args) {
      if (typeof name !== "string") return;
      const handler = handlers[name];
      if (handler) run(handler, name, args);
      else if (buffered.length < MAX_BUFFERED) buffered.push({ name, args });
    },
    register(name, handler) {
      handlers[name] = handler;
      for (let i = 0; i < buffered.length; ) {
        const item = buffered[i];
        if (item && item.name === name) {
          buffered.splice(i, 1);
          run(handler, name, item.args);
        } else i++;
      }
    },
  };
}
