import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Argv } from 'yargs';
import { HoopClient } from '../../api/client.js';
import { ContactsApi } from '../../api/endpoints.js';
import { EXIT } from '../../core/errors.js';
import type { CommandDef } from '../command.js';

export interface DemoArgs {
  file: string;
  keep: boolean;
}

const DEFAULT_SAMPLE = fileURLToPath(new URL('../../../samples/demo-contacts.csv', import.meta.url));

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
      const api = new ContactsApi(new HoopClient({ baseUrl: emu.url, token: emu.token, locationId: emu.locationId }));
      let created = 0;
      let updated = 0;
      for (const [i, row] of rows.entries()) {
        // The upsert never carries tags: on the platform they would replace every existing tag.
        const res = await api.upsertContact({
          firstName: row['First Name'],
          lastName: row['Last Name'],
          email: row.Email,
          phone: row.Phone,
          companyName: row.Company,
        });
        const id = res.contact.id;
        const tags = (row.Tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
        if (tags.length) await api.addTags(id, tags);
        if (row.Note?.trim()) await api.createNote(id, { body: row.Note });
        if (res.new) created++;
        else updated++;
        out(`  record ${i + 1}: ${res.new ? 'created' : 'updated'} ${id}  ${row['First Name']} ${row['Last Name']}  +tags [${tags.join(', ')}]`);
      }
      const search = await api.searchContacts({ pageLimit: 1 });
      const ada = await api.findDuplicate({ email: 'ada@analytical.example' });
      const adaFull = ada ? (await api.getContact(ada.id)).contact : undefined;
      out(`Done: ${created} created, ${updated} updated, ${api.client.stats.requests} requests; the location now holds ${search.total} contacts.`);
      if (adaFull) out(`Ada Lovelace kept every tag: [${adaFull.tags.join(', ')}], phone ${adaFull.phone ?? '-'}.`);
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
