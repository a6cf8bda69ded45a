/**
 * A small Server-Sent Events client for tests: reads a stream with fetch and hands out its events
 * one by one; closed by the test file's end.
 */
import { after } from 'node:test';

export interface SseEvent {
  name: string;
  data: Record<string, unknown>;
}

export interface SseStream {
  status: number;
  contentType: string;
  /** The next event that `matches`, or a failure after `timeoutMs` naming what arrived. */
  next(matches?: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` as an event stream. */
export async function openSse(url: string): Promise<SseStream> {
  const controller = new AbortController();
  after(() => controller.abort());
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: SseEvent[] = [];
  let buffer = '';
  const queue: SseEvent[] = [];

  async function readMore(): Promise<void> {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended; events seen: ${JSON.stringify(seen)}`);
    buffer += value;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop()!;
    for (const block of blocks) {
      const lines = block.split('\n');
      const name = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      if (name && data) queue.push({ name, data: JSON.parse(data) as Record<string, unknown> });
    }
  }

  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    async next(matches = () => true, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (queue.length > 0) {
          const event = queue.shift()!;
          seen.push(event);
          if (matches(event)) return event;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event; events seen: ${JSON.stringify(seen)}`);
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`no matching event in ${timeoutMs} ms; seen: ${JSON.stringify(seen)}`),
              ),
            left,
          );
        });
        try {
          await Promise.race([readMore(), timeout]);
        } finally {
          clearTimeout(timer);
        }
      }
    },
    close: () => controller.abort(),
  };
}
