import { expect } from 'vitest';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';
import type { E2eHarness } from '../helpers/e2e.js';
import { admin } from '../helpers/http.js';
import { killableEmulator } from './harness.js';

/**
 * The location the chaos suite's dedup runs clean up: 24 known clusters and
 * 16 people who are no one's duplicate, with explicit ids and dates so that
 * one plan fits every emulator seeded with it. What a merge must leave is
 * worked out from the seed alone.
 */

export const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Linus', 'Radia', 'Frances', 'Shafi', 'Leslie', 'Niklaus', 'Ken', 'Dennis', 'Bjarne', 'Guido', 'Yukihiro', 'Anders', 'Sophie', 'Hedy', 'Annie', 'Evelyn', 'Jean'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Torvalds', 'Perlman', 'Allen', 'Goldwasser', 'Lamport', 'Wirth', 'Thompson', 'Ritchie', 'Stroustrup', 'Rossum', 'Matsumoto', 'Hejlsberg', 'Wilson', 'Lamarr', 'Easley', 'Boyd', 'Bartik'];
export const SINGLE_FIRST = ['Tim', 'Vint', 'Bob', 'Whitfield', 'Martin', 'Ivan', 'Fran', 'John', 'Judea', 'Silvio', 'Cynthia', 'Michael', 'Raj', 'Adi', 'Len', 'Ron'];
const SINGLE_LAST = ['Berners', 'Cerf', 'Kahn', 'Diffie', 'Hellman', 'Sutherland', 'Elkind', 'Backus', 'Pearl', 'Micali', 'Dwork', 'Stonebraker', 'Reddy', 'Shamir', 'Adleman', 'Rivest'];

const id = (s: string): string => s.padEnd(20, '0').slice(0, 20);
const pad = (n: number, w: number) => String(n).padStart(w, '0');

export interface Seeded {
  id: string;
  cluster?: number;
  contact: Record<string, unknown>;
}

/**
 * 24 clusters: a third are three contacts sharing an email (written in other
 * casings), a third two sharing an email, a third two sharing a phone (the
 * second without an email). Each contact brings a tag of its own and a shared
 * one, a note, and every second one a task. 16 people are no one's duplicate.
 */
export function seed(): Seeded[] {
  const out: Seeded[] = [];
  for (let k = 0; k < 24; k++) {
    const size = k % 3 === 0 ? 3 : 2;
    const byPhone = k % 3 === 2;
    const email = `${FIRST[k]!.toLowerCase()}.${LAST[k]!.toLowerCase()}@chaos.example`;
    const phone = `+1303555${pad(k, 4)}`;
    for (let j = 0; j < size; j++) {
      const contact: Record<string, unknown> = {
        id: id(`c${pad(k, 2)}m${j}chaosdedup`),
        firstName: FIRST[k],
        lastName: LAST[k],
        tags: [`c${k}-m${j}`, 'shared'],
        dateAdded: new Date(Date.UTC(2021, k % 12, 1 + j)).toISOString(),
        notes: [{ body: `Note of cluster ${k} member ${j}` }],
        ...(j % 2 === 1 ? { tasks: [{ title: `Task of cluster ${k} member ${j}`, dueDate: '2027-02-01T10:00:00.000Z' }] } : {}),
      };
      if (!byPhone) contact.email = j === 0 ? email : j === 1 ? email.toUpperCase() : email.replace(/^./, (c) => c.toUpperCase());
      else {
        contact.phone = phone;
        if (j === 0) contact.email = email;
      }
      if (!byPhone && j === 0) contact.phone = phone;
      out.push({ id: contact.id as string, cluster: k, contact });
    }
  }
  SINGLE_FIRST.forEach((first, i) => {
    const contact = {
      id: id(`single${pad(i, 2)}chaosdedup`),
      firstName: first,
      lastName: SINGLE_LAST[i],
      email: `${first.toLowerCase()}@single.example`,
      phone: `+1720555${pad(i, 4)}`,
      tags: ['single'],
      dateAdded: '2022-03-03T00:00:00.000Z',
      notes: [{ body: `Single ${i}` }],
    };
    out.push({ id: contact.id, contact });
  });
  return out;
}

export interface Essence {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  tags: string[];
  notes: string[];
  tasks: string[];
}

export async function essence(emu: RunningEmulator): Promise<Essence[]> {
  const r = await admin(emu, 'GET', `/locations/${emu.locationId}/contacts`);
  return (r.contacts as Array<Record<string, any>>)
    .map((c) => ({
      id: c.id as string,
      email: (c.email as string | undefined) ?? null,
      phone: (c.phone as string | undefined) ?? null,
      firstName: (c.firstName as string | undefined) ?? null,
      tags: [...(c.tags as string[])].sort(),
      notes: (c.notes as Array<{ body: string }>).map((n) => n.body).sort(),
      tasks: (c.tasks as Array<{ title: string }>).map((t) => t.title).sort(),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** An emulator (with a kill switch) whose location holds the seed. */
export async function seededEmulator(h: E2eHarness, options: EmulatorOptions = {}) {
  const made = await killableEmulator(h, options);
  await admin(made.emu, 'POST', `/locations/${made.emu.locationId}/contacts`, { contacts: seed().map((s) => s.contact) });
  return made;
}

/** What the seed must come to, worked out from it: one contact per cluster with all of the cluster, nobody else touched. */
export function expectMergedState(state: Essence[]): void {
  const all = seed();
  const byId = new Map(state.map((c) => [c.id, c]));
  expect(state).toHaveLength(24 + SINGLE_FIRST.length);
  for (let k = 0; k < 24; k++) {
    const members = all.filter((s) => s.cluster === k);
    const left = members.filter((m) => byId.has(m.id));
    expect(left, `cluster ${k}`).toHaveLength(1);
    const survivor = byId.get(left[0]!.id)!;
    expect(survivor.tags).toEqual([...members.map((_, j) => `c${k}-m${j}`), 'shared'].sort());
    expect(survivor.notes).toEqual(members.map((_, j) => `Note of cluster ${k} member ${j}`).sort());
    expect(survivor.tasks).toEqual(members.filter((_, j) => j % 2 === 1).map((_, n) => `Task of cluster ${k} member ${2 * n + 1}`).sort());
    expect(survivor.email).toBe(`${FIRST[k]!.toLowerCase()}.${LAST[k]!.toLowerCase()}@chaos.example`);
    expect(survivor.phone).toBe(`+1303555${pad(k, 4)}`);
  }
  for (const s of all.filter((x) => x.cluster === undefined)) {
    const c = s.contact;
    expect(byId.get(s.id)).toEqual({ id: s.id, email: c.email, phone: c.phone, firstName: c.firstName, tags: ['single'], notes: [(c.notes as Array<{ body: string }>)[0]!.body], tasks: [] });
  }
}
