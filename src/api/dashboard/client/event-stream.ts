/**
 * Server-Sent Events read with fetch (EventSource cannot send the Bearer header): connects,
 * hands each event to the page, and reconnects after a pause when the stream drops.
 */
import { askForToken, authHeaders } from './api.js';

export interface StreamHandlers {
  /** Connected (again): the page should reload what it may have missed. */
  onOpen(): void;
  onEvent(name: string, data: unknown): void;
  /** Disconnected; a reconnect follows. */
  onDown(reason: string): void;
}

const RECONNECT_MS = 2000;

/** Splits a buffer into complete SSE blocks; returns the events and the unfinished rest. */
export function parseEvents(buffer: string): {
  events: { name: string; data: string }[];
  rest: string;
} {
  const events: { name: string; data: string }[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let name = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) events.push({ name, data: data.join('\n') });
  }
  return { events, rest };
}

/** Opens the stream at `path` and keeps it open until close(). */
export function openEventStream(path: string, handlers: StreamHandlers): { close(): void } {
  let stopped = false;
  let controller: AbortController | undefined;

  const readOnce = async (): Promise<void> => {
    controller = new AbortController();
    const response = await fetch(path, {
      headers: authHeaders({ accept: 'text/event-stream' }),
      signal: controller.signal,
    });
    if (response.status === 401) {
      await askForToken('The live updates need a token. It is kept for this browser tab only.');
      return;
    }
    if (!response.ok || !response.body) throw new Error(`the server answered ${response.status}`);
    handlers.onOpen();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      const parsed = parseEvents(buffer + value);
      buffer = parsed.rest;
      for (const event of parsed.events) {
        try {
          handlers.onEvent(event.name, JSON.parse(event.data));
        } catch (error) {
          console.error('bad event', event, error);
        }
      }
    }
  };

  void (async () => {
    while (!stopped) {
      try {
        await readOnce();
      } catch (error) {
        if (stopped) return;
        handlers.onDown(error instanceof Error ? error.message : String(error));
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      }
    }
  })();

  return {
    close() {
      stopped = true;
      controller?.abort();
    },
  };
}
