import { describe, expect, it } from 'vitest';
import { e2eHarness, envFor, runCli } from '../helpers/e2e.js';

/**
 * `hoop-etl api POST` of a contact, a note or a task under dropped
 * connections and 5xx answers after the write landed: like the client
 * library, the command looks before writing again, so every create succeeds
 * and nothing is created twice.
 */

const { emulator } = e2eHarness('api-command');

describe('hoop-etl api: creates that reconcile', () => {
  it('creates contacts, notes and tasks exactly once under ambiguous failures', async () => {
    // A third of the writes are applied, then answered 5xx or dropped.
    const emu = await emulator({ faults: { ambiguousRate: 0.35, seed: 11 } });
    const env = envFor(emu);
    const loc = emu.store.location(emu.locationId)!;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await runCli(['api', 'POST', '/contacts/', '--location', emu.locationId, '--data', JSON.stringify({ firstName: `Ines${i}`, lastName: 'Moreau', email: `ines.moreau${i}@example.com` })], env);
      expect(r.status, r.stderr).toBe(0);
      ids.push((JSON.parse(r.stdout) as { contact: { id: string } }).contact.id);
    }
    expect(loc.contacts.size).toBe(8);
    expect(new Set(ids).size).toBe(8);
    for (let i = 0; i < 4; i++) {
      const note = await runCli(['api', 'POST', `/contacts/${ids[i]}/notes`, '--location', emu.locationId, '--data', JSON.stringify({ body: `Called on day ${i}` })], env);
      expect(note.status, note.stderr).toBe(0);
      const task = await runCli(['api', 'POST', `/contacts/${ids[i]}/tasks`, '--location', emu.locationId, '--data', JSON.stringify({ title: `Follow up ${i}`, dueDate: '2027-01-15T10:00:00Z', completed: false })], env);
      expect(task.status, task.stderr).toBe(0);
    }
    const stats = (await fetch(`${emu.url}/__emulator/stats`).then((r) => r.json())) as { faults: { ambiguous: number } };
    // The dice did hit creates: otherwise this test proves nothing.
    expect(stats.faults.ambiguous).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 4; i++) {
      const notes = (await runCli(['api', 'GET', `/contacts/${ids[i]}/notes`, '--location', emu.locationId], env)).stdout;
      expect((JSON.parse(notes) as { notes: Array<{ body: string }> }).notes.map((n) => n.body)).toEqual([`Called on day ${i}`]);
      const tasks = (await runCli(['api', 'GET', `/contacts/${ids[i]}/tasks`, '--location', emu.locationId], env)).stdout;
      expect((JSON.parse(tasks) as { tasks: Array<{ title: string }> }).tasks.map((t) => t.title)).toEqual([`Follow up ${i}`]);
    }
    expect(loc.contacts.size).toBe(8);
  }, 120_000);
});
