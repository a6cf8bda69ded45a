/**
 * Splits the engine's multiplexed log stream (a container without a TTY) into stdout and stderr.
 * Each frame is an 8-byte header — [stream 1|2, 0, 0, 0, payload length as uint32 big-endian] —
 * and its payload; frames may arrive split across chunks, and chunks may hold many frames.
 */
import { Writable } from 'node:stream';
import { SERVER_FILES, type OutputFiles, type WriteTarget } from '../owner-files.js';

/** 1 = stdout, 2 = stderr (0 = stdin is never sent for logs; treated as stdout). */
export type StreamKind = 'stdout' | 'stderr';

/** Parses frames from chunks; keeps an incomplete frame until the rest arrives. */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete frames now available, in order. */
  push(chunk: Buffer): { kind: StreamKind; payload: Buffer }[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: { kind: StreamKind; payload: Buffer }[] = [];
    let offset = 0;
    while (this.pending.length - offset >= 8) {
      const length = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - 8 < length) break;
      const kind: StreamKind = this.pending[offset] === 2 ? 'stderr' : 'stdout';
      frames.push({ kind, payload: this.pending.subarray(offset + 8, offset + 8 + length) });
      offset += 8 + length;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of a frame cut short when the stream ended. */
  get leftover(): number {
    return this.pending.length;
  }
}

/**
 * A writable that demultiplexes into two files, truncated when opened. Writes are awaited one
 * after another, so a fast container cannot fill the server's memory (backpressure).
 */
export class LogFileSink extends Writable {
  private readonly parser = new FrameParser();
  private readonly paths: Record<StreamKind, string>;
  private readonly opener: OutputFiles;
  private files: Record<StreamKind, WriteTarget> | undefined;

  constructor(paths: Record<StreamKind, string>, opener: OutputFiles = SERVER_FILES) {
    super();
    this.paths = paths;
    this.opener = opener;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    Promise.all([this.opener.open(this.paths.stdout), this.opener.open(this.paths.stderr)]).then(
      ([stdout, stderr]) => {
        this.files = { stdout, stderr };
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const files = this.files!;
    const frames = this.parser.push(chunk);
    (async () => {
      for (const frame of frames) await files[frame.kind].write(frame.payload);
    })().then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.closeFiles().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.closeFiles().then(
      () => callback(error),
      () => callback(error),
    );
  }

  private async closeFiles(): Promise<void> {
    const files = this.files;
    this.files = undefined;
    if (files) await Promise.all([files.stdout.close(), files.stderr.close()]);
  }
}
