/**
 * A temporary file that holds the rows of one range while an earlier range is
 * still being written to the output; appended to the output in order once
 * that range is done. Keeps memory flat however large the range is. It sits
 * beside the output (or in the system's temporary folder for stdout), is
 * readable by the owner only, and is removed in every case.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';

export interface Spill {
  write(text: string): Promise<void>;
  /** No more writes. */
  close(): Promise<void>;
  /** Hands the spilled text, in order and in chunks, to `write`. */
  copyTo(write: (text: string) => Promise<void>): Promise<void>;
  /** Removes the file (safe to call more than once). */
  discard(): Promise<void>;
}

function waitFor(stream: Writable, events: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const handlers = events.map((name) => {
      const h = (arg?: unknown): void => {
        for (const [n, f] of handlers) stream.off(n, f);
        if (name === 'error') reject(arg as Error);
        else resolve();
      };
      return [name, h] as const;
    });
    for (const [n, f] of handlers) stream.once(n, f);
  });
}

/** `beside`: the output file the spill belongs to; undefined for stdout. */
export async function openSpill(beside: string | undefined): Promise<Spill> {
  const path = beside
    ? join(dirname(beside), `.${basename(beside)}.part-${process.pid}-${randomBytes(4).toString('hex')}.tmp`)
    : join(tmpdir(), `hoop-etl-export-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const file: WriteStream = createWriteStream(path, { flags: 'wx', mode: 0o600, highWaterMark: 1 << 20 });
  await waitFor(file, ['open', 'error']);
  let failure: Error | undefined;
  file.on('error', (e) => (failure ??= e));
  let closed = false;
  let removed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    file.end();
    await waitFor(file, ['close', 'error']);
    if (failure) throw failure;
  };
  return {
    async write(text) {
      if (failure) throw failure;
      if (!file.write(text)) await waitFor(file, ['drain', 'error', 'close']);
      if (failure) throw failure;
    },
    close,
    async copyTo(write) {
      await close();
      for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) await write(chunk as string);
    },
    async discard() {
      if (removed) return;
      removed = true;
      if (!closed) {
        closed = true;
        file.destroy();
      }
      await unlink(path).catch(() => undefined);
    },
  };
}
