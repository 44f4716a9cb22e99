import { foldText } from './similarity.js';

/**
 * What the whole location says about a field's values, for choosing the best
 * value of a merge: how often each value occurs (a city, a common surname
 * occurs often; a typo of it hardly ever), and how plausible a value's
 * letters are (a character-bigram model of the field's values: `Belfast`
 * reads like the location's cities, `Baltasf` less so).
 *
 * Built once per plan from every contact read; pure and deterministic.
 */

export const EVIDENCE_FIELDS = ['firstName', 'lastName', 'address1', 'city', 'state', 'postalCode'] as const;
export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

/** The form values are counted in: folded (case, accents, punctuation), spaces kept single. */
export function valueKey(value: unknown): string {
  return typeof value === 'string' ? foldText(value) : '';
}

interface FieldEvidence {
  readonly counts: Map<string, number>;
  readonly words: Map<string, number>;
  readonly bigrams: Map<string, number>;
  readonly firsts: Map<string, number>;
  bigramTotal: number;
}

export class LocationEvidence {
  private readonly fields = new Map<EvidenceField, FieldEvidence>();

  constructor(contacts: Iterable<object> = []) {
    for (const f of EVIDENCE_FIELDS) this.fields.set(f, { counts: new Map(), words: new Map(), bigrams: new Map(), firsts: new Map(), bigramTotal: 0 });
    for (const c of contacts) this.add(c);
  }

  add(contact: object): void {
    for (const f of EVIDENCE_FIELDS) {
      const key = valueKey((contact as Readonly<Record<string, unknown>>)[f]);
      if (key === '') continue;
      const e = this.fields.get(f) as FieldEvidence;
      e.counts.set(key, (e.counts.get(key) ?? 0) + 1);
      for (const w of key.split(' ')) e.words.set(w, (e.words.get(w) ?? 0) + 1);
      const letters = key.replace(/\d+/g, '').replace(/ +/g, ' ').trim();
      const padded = `^${letters}$`;
      for (let i = 0; i + 1 < padded.length; i++) {
        const bigram = padded.slice(i, i + 2);
        e.bigrams.set(bigram, (e.bigrams.get(bigram) ?? 0) + 1);
        e.firsts.set(padded[i] as string, (e.firsts.get(padded[i] as string) ?? 0) + 1);
        e.bigramTotal++;
      }
    }
  }

  /** How many contacts of the location hold this value in this field (folded). */
  count(field: string, value: unknown): number {
    const e = this.fields.get(field as EvidenceField);
    return e ? (e.counts.get(valueKey(value)) ?? 0) : 0;
  }

  /**
   * How common the value's words are in the field across the location, the
   * `own` values (the cluster's, which are no evidence of themselves) left
   * out: the mean of log(1 + count) over its words. `crescent` is in many
   * streets, `cre scent` in none.
   */
  wordCommonness(field: string, value: unknown, own: readonly unknown[] = []): number {
    const e = this.fields.get(field as EvidenceField);
    const key = valueKey(value);
    if (!e || key === '') return 0;
    const mine = new Map<string, number>();
    for (const v of own) for (const w of valueKey(v).split(' ')) if (w !== '') mine.set(w, (mine.get(w) ?? 0) + 1);
    const words = key.split(' ');
    let sum = 0;
    for (const w of words) sum += Math.log(1 + Math.max(0, (e.words.get(w) ?? 0) - (mine.get(w) ?? 0)));
    return sum / words.length;
  }

  /**
   * Mean log-probability of the value's letter pairs under the field's model
   * (add-one smoothed): higher reads more like the location's values. 0 for a
   * field without a model.
   */
  plausibility(field: string, value: unknown): number {
    const e = this.fields.get(field as EvidenceField);
    // Letters only: which digits a house number or postal code has says nothing of a typo.
    const key = valueKey(value).replace(/\d+/g, '').replace(/ +/g, ' ').trim();
    if (!e || key === '' || e.bigramTotal === 0) return 0;
    const padded = `^${key}$`;
    let sum = 0;
    for (let i = 0; i + 1 < padded.length; i++) {
      const pair = (e.bigrams.get(padded.slice(i, i + 2)) ?? 0) + 1;
      const first = (e.firsts.get(padded[i] as string) ?? 0) + 40;
      sum += Math.log(pair / first);
    }
    return sum / (padded.length - 1);
  }
}
