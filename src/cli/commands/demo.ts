import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Argv } from 'yargs';
import { createConnection } from '../../api/connection.js';
import { EXIT } from '../../core/errors.js';
import type { CommandDef } from '../command.js';

export interface DemoArgs {
  file: string;
  keep: boolean;
}

const DEFAULT_SAMPLE = fileURLToPath(new URL('../../../samples/demo-contacts.csv', import.meta.url));

interface UpsertResponse {
  new: boolean;
  contact: { id: string; tags: string[] };
}

/**
 * The demo, first version: an emulator in this process, one existing contact,
 * then the sample CSV written over HTTP with upserts that never carry tags and
 * tag deltas that never wipe any. Later issues grow it into import, dedup and
 * export.
 */
export const demoCommand: CommandDef<DemoArgs> = {
  command: 'demo',
  describe: 'Start the emulator in-process and write the sample contacts to it over HTTP',
  builder: (y: Argv) =>
    y
      .option('file', { type: 'string', default: DEFAULT_SAMPLE, describe: 'CSV to write (First Name, Last Name, Email, Phone, Company, Tags, Note)' })
      .option('keep', { type: 'boolean', default: false, describe: 'Keep the emulator running afterwards (Ctrl-C to stop)' })
      .example('$0 demo', 'Run the demo on samples/demo-contacts.csv'),
  async handler(args) {
    const { startEmulator } = await import('../../emulator/index.js');
    const rows = parse(await readFile(args.file, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>;
    const emu = await startEmulator({ port: 0 });
    const out = (s: string) => process.stdout.write(`${s}\n`);
    try {
      out(`HoopAI emulator listening on ${emu.url} location=${emu.locationId} token=${emu.token}`);
      // A contact the location already has, with a tag an import must not wipe.
      await fetch(`${emu.url}/__emulator/locations/${emu.locationId}/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contacts: [{ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@analytical.example', tags: ['existing-customer'] }] }),
      });
      out('Seeded 1 existing contact (Ada Lovelace, tag existing-customer).');
      out(`Writing ${rows.length} rows from ${args.file}:`);
      const conn = createConnection({ baseUrl: emu.url, token: emu.token });
      let created = 0;
      let updated = 0;
      let requests = 0;
      for (const [i, row] of rows.entries()) {
        const res = await conn.request<UpsertResponse>('POST', '/contacts/upsert', {
          json: {
            locationId: emu.locationId,
            firstName: row['First Name'],
            lastName: row['Last Name'],
            email: row.Email,
            phone: row.Phone,
            companyName: row.Company,
          },
        });
        requests++;
        const id = res.body.contact.id;
        const tags = (row.Tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
        if (tags.length) {
          await conn.request('POST', `/contacts/${id}/tags`, { json: { tags } });
          requests++;
        }
        if (row.Note?.trim()) {
          await conn.request('POST', `/contacts/${id}/notes`, { json: { body: row.Note } });
          requests++;
        }
        if (res.body.new) created++;
        else updated++;
        out(`  row ${i + 2}: ${res.body.new ? 'created' : 'updated'} ${id}  ${row['First Name']} ${row['Last Name']}  +tags [${tags.join(', ')}]`);
      }
      const search = await conn.request<{ total: number }>('POST', '/contacts/search', { json: { locationId: emu.locationId, pageLimit: 1 } });
      const ada = await conn.request<{ contact: { id: string } | null }>('GET', '/contacts/search/duplicate', {
        searchParams: { locationId: emu.locationId, email: 'ada@analytical.example' },
      });
      const adaFull = ada.body.contact ? await conn.request<{ contact: { tags: string[]; phone?: string } }>('GET', `/contacts/${ada.body.contact.id}`) : undefined;
      out(`Done: ${created} created, ${updated} updated, ${requests} write requests; the location now holds ${search.body.total} contacts.`);
      if (adaFull) out(`Ada Lovelace kept every tag: [${adaFull.body.contact.tags.join(', ')}], phone ${adaFull.body.contact.phone ?? '-'}.`);
      if (args.keep) {
        out('Emulator left running; press Ctrl-C to stop.');
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      }
      return EXIT.ok;
    } finally {
      await emu.close();
    }
  },
};
