import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RowSpill } from '../../../src/writers/row-spill.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'row-spill-'));
  dirs.push(dir);
  return path.join(dir, 'rows.spill');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('RowSpill', () => {
  it.each<[string, number, number]>([
    ['one write buffer, one read block', 1 << 20, 4 << 20],
    ['a write every few entries, blocks smaller than some entries', 40, 16],
    ['a write per entry, one-byte blocks', 1, 1],
  ])('gives back every entry, in order and by record: %s', (_name, bufferBytes, blockBytes) => {
    const file = tempFile();
    const spill = RowSpill.create(file, bufferBytes);
    const entries: Array<[number, string]> = [
      [1, 'first'],
      [2, 'Zoë Østergaard, Müller & Söhne'],
      [5, 'after a gap (records 3 and 4 failed)'],
      [6, 'x'.repeat(100)],
      [9, '{"json":"with\\ttab\\nand newline"}\tsecond part'],
      [10, '🙂 four-byte characters 🙂'],
    ];
    for (const [i, [record, text]] of entries.entries()) {
      spill.append(record, text);
      // Read back at once: from the write buffer or the file.
      expect(spill.read(record)).toBe(text);
      if (i > 0) expect(spill.read(entries[i - 1]![0])).toBe(entries[i - 1]![1]);
    }
    expect([...spill.entries(blockBytes)]).toEqual(entries);
    for (const [record, text] of [...entries].reverse()) expect(spill.read(record)).toBe(text);
    expect(spill.has(3)).toBe(false);
    expect(spill.has(10)).toBe(true);
    expect(spill.lastRecord).toBe(10);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    spill.close();
    expect(existsSync(file)).toBe(false);
  });

  it('grows past its first arrays', () => {
    const spill = RowSpill.create(tempFile(), 4096);
    for (let r = 1; r <= 5000; r++) spill.append(r * 3, `row ${r}`);
    expect(spill.read(3)).toBe('row 1');
    expect(spill.read(15000)).toBe('row 5000');
    let n = 0;
    for (const [record, text] of spill.entries(1000)) expect(text).toBe(`row ${record / 3}`), n++;
    expect(n).toBe(5000);
    spill.close();
  });

  it('rejects records out of order, empty entries and unknown records', () => {
    const spill = RowSpill.create(tempFile());
    spill.append(2, 'a');
    expect(() => spill.append(2, 'b')).toThrow('Expected `record` to be an integer > 2, got `2`');
    expect(() => spill.append(3, '')).toThrow('non-empty string');
    expect(() => spill.read(1)).toThrow('No entry for record 1');
    spill.close();
    spill.close();
  });
});
