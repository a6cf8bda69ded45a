/**
 * The v1 listing as a stream: read from the store a page at a time (keyset on seq), each page
 * turned into text and sent before the next is read, so listing 100,000 tasks neither holds them
 * all in memory nor blocks the server while it runs. Tasks added meanwhile appear at the end.
 */
import { Readable } from 'node:stream';
import type { TaskService } from '../core/task-service.js';
import { summaryToState } from './v1-state-view.js';
import { encodeXmlFragment, XML_DECLARATION } from './xml-codec.js';

const PAGE = 2000;

async function* pages(service: TaskService, user: string | undefined) {
  let afterSeq = 0;
  for (;;) {
    const rows = service.listSummaries({ user, afterSeq, limit: PAGE });
    if (rows.length === 0) return;
    afterSeq = rows[rows.length - 1]!.seq;
    yield rows.map(summaryToState);
    if (rows.length < PAGE) return;
    // Let other requests in between pages.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `{"state":[…]}` as a stream. */
export function streamStatesJson(service: TaskService, user: string | undefined): Readable {
  return Readable.from(
    (async function* () {
      yield '{"state":[';
      let first = true;
      for await (const states of pages(service, user)) {
        const text = JSON.stringify(states);
        yield `${first ? '' : ','}${text.slice(1, -1)}`;
        first = false;
      }
      yield ']}';
    })(),
  );
}

/** `<states><state>…</state>…</states>` as a stream. */
export function streamStatesXml(service: TaskService, user: string | undefined): Readable {
  return Readable.from(
    (async function* () {
      yield `${XML_DECLARATION}<states>`;
      for await (const states of pages(service, user)) yield encodeXmlFragment('state', states);
      yield '</states>';
    })(),
  );
}
