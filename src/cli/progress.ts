/**
 * A one-line progress display on a terminal (rows done of all, rows/s, ETA); nothing when
 * stderr is not a terminal, so logs and pipes stay clean.
 */
export function progressReporter(stream: NodeJS.WriteStream, now: () => number = Date.now): { update: (done: number, total?: number) => void; done: () => void } {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  const started = now();
  let last = 0;
  let shown = false;
  return {
    update(done: number, total?: number) {
      const t = now();
      if (t - last < 200) return;
      last = t;
      const rate = done / Math.max(0.001, (t - started) / 1000);
      const eta = total && rate > 0 && total > done ? `  ETA ${Math.ceil((total - done) / rate)} s` : '';
      stream.write(`\r${done}${total ? `/${total}` : ''} rows  ${rate.toFixed(1)} rows/s${eta}    `);
      shown = true;
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}
