import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planFingerprint } from '../../../src/dedup/decisions.js';
import type { DuplicateCluster, DuplicatePair, FieldReason } from '../../../src/dedup/find-duplicates.js';
import { findDuplicates } from '../../../src/dedup/find-duplicates.js';
import { buildMergePlan, type MergePlan, type PlanSettings } from '../../../src/dedup/merge-plan.js';
import { clusterTitle, dateText, escapeHtml, jsonForScript, nameConflicts, renderPlanHtml, reviewOrder } from '../../../src/dedup/plan-report.js';
import type { SurvivorContact } from '../../../src/dedup/survivor.js';

/** The review page: what a person sees and decides on, rendered from a plan (pure). The clicking is in test/e2e/dedup-review.test.ts. */

const SETTINGS: PlanSettings = { threshold: 0.9, survivor: 'oldest', fieldRule: 'fillBlanks', fieldRules: {}, emailProviderRules: false };

function contacts(): SurvivorContact[] {
  return [
    { id: 'old', firstName: 'Ada', email: 'ada@example.com', tags: ['vip'], dateAdded: '2020-01-01T00:00:00Z', dateUpdated: '2020-01-01T00:00:00Z' },
    { id: 'new', firstName: 'Ada', email: 'ada@example.com', city: 'London', tags: ['VIP', 'newsletter'], dateAdded: '2021-01-01T00:00:00Z', dateUpdated: '2021-01-01T00:00:00Z' },
    { id: 'solo', firstName: 'Bob', email: 'bob@example.com', tags: [], dateAdded: '2019-01-01T00:00:00Z' },
  ];
}

function plan(list = contacts()): MergePlan {
  const found = findDuplicates(list.map((c) => ({ id: c.id, firstName: c.firstName as string, email: c.email as string })));
  return buildMergePlan({ location: 'loc1', createdAt: '2026-11-28T00:00:00.000Z', settings: SETTINGS, clusters: found.clusters, stats: found.stats, contacts: new Map(list.map((c) => [c.id, c])) });
}

const reason = (field: FieldReason['field'], outcome: FieldReason['outcome']): FieldReason => ({ field, level: outcome === 'disagreed' ? 'different' : 'exact', outcome, weight: outcome === 'disagreed' ? -5 : 5 });
const pair = (a: string, b: string, probability: number, fields: FieldReason[] = [], by: DuplicatePair['linkedBy'] = ['score']): DuplicatePair => ({ a, b, linkedBy: by, weight: 10, probability, swappedNames: false, fields });

/**
 * A family landline (review, names disagree), a fuzzy pair of 0.93 with a
 * dropped city and a custom field, an exact pair: in plan order c1 exact,
 * c2 fuzzy, c3 review.
 */
function familyPlan(): MergePlan & { customFieldNames?: Record<string, string> } {
  const list: SurvivorContact[] = [
    { id: 'ada1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', dateAdded: '2020-01-01T00:00:00.000Z', dateUpdated: '2024-03-05T10:11:12.345Z' },
    { id: 'ada2', firstName: 'ada', lastName: 'lovelace', email: 'ada@example.com', dateAdded: '2021-01-01T00:00:00.000Z', dateUpdated: '2024-03-06T10:11:12.345Z' },
    {
      id: 'jon1',
      firstName: 'Jonathan',
      lastName: 'Smithers',
      city: 'Springfield',
      dateOfBirth: '1980-04-12T00:00:00.000Z',
      customFields: [{ id: 'cfTier', value: 'gold' }],
      dateAdded: '2020-02-02T00:00:00.000Z',
      dateUpdated: '2020-02-02T00:00:00.000Z',
    },
    {
      id: 'jon2',
      firstName: 'Jon',
      lastName: 'Smithers',
      city: 'Shelbyville',
      dateOfBirth: '1980-04-12T00:00:00.000Z',
      customFields: [
        { id: 'cfTier', value: '</script><script>alert(1)</script>' },
        { id: 'cfNoName', value: 'kept' },
      ],
      dateAdded: '2021-02-02T00:00:00.000Z',
      dateUpdated: '2021-02-02T00:00:00.000Z',
    },
    { id: 'maria', firstName: 'Maria', lastName: 'Lopez', phone: '+15125550100', dateAdded: '2020-03-03T00:00:00.000Z', dateUpdated: '2020-03-03T00:00:00.000Z' },
    { id: 'carlos', firstName: 'Carlos', lastName: 'Lopez', phone: '+15125550100', dateAdded: '2021-03-03T00:00:00.000Z', dateUpdated: '2021-03-03T00:00:00.000Z' },
  ];
  const clusters: DuplicateCluster[] = [
    { ids: ['ada1', 'ada2'], pairs: [pair('ada1', 'ada2', 0.9999, [reason('email', 'agreed')], ['email'])], review: [] },
    {
      ids: ['jon1', 'jon2'],
      pairs: [pair('jon1', 'jon2', 0.93, [reason('lastName', 'agreed'), reason('dateOfBirth', 'agreed')])],
      review: [],
      notes: ['Mary Smithers shares the street <12 Elm Street> and is left out'],
    },
    {
      ids: ['maria', 'carlos'],
      pairs: [pair('maria', 'carlos', 0.999, [reason('firstName', 'disagreed'), reason('lastName', 'agreed'), reason('phone', 'agreed')], ['phone'])],
      review: ['Shared phone +15125550100, but the first names differ (Maria, Carlos): a family landline?'],
    },
  ];
  const p = buildMergePlan({
    location: 'loc1',
    createdAt: '2026-11-28T09:30:00.000Z',
    settings: SETTINGS,
    clusters,
    stats: { ...findDuplicates([]).stats, contacts: 6 },
    contacts: new Map(list.map((c) => [c.id, c])),
  });
  return { ...p, customFieldNames: { cfTier: 'Loyalty tier' } };
}

/** The section of one cluster in the page. */
function sectionOf(html: string, id: string): string {
  const start = html.indexOf(`<section class="cluster kind-`, html.indexOf(`id="cluster-${id}"`) - 60);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('escaping', () => {
  it('escapes every HTML special character', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('embeds JSON so that no </script> or line separator survives, and it parses back the same', () => {
    const value = { a: '</script><script>alert(1)</script>', b: 'x\u2028y & z' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('dateText', () => {
  it.each([
    ['2024-03-05T14:02:03.123Z', '2024-03-05'],
    ['2024-03-05T23:30:00-05:00', '2024-03-06'],
    ['1980-04-12', '1980-04-12'],
    ['1980-04-12T00:00:00.000Z', '1980-04-12'],
    [1709647200000, '2024-03-05'],
    ['next Tuesday', 'next Tuesday'],
    [null, ''],
  ])('%s reads %s', (value, text) => {
    expect(dateText(value)).toBe(text);
  });
});

describe('the parts of a cluster', () => {
  const p = familyPlan();
  const byId = (id: string) => p.clusters.find((c) => c.id === id)!;

  it('builds the plan these tests expect', () => {
    expect(p.clusters.map((c) => [c.id, c.kind, c.survivor])).toEqual([
      ['c1', 'exact', 'ada1'],
      ['c2', 'fuzzy', 'jon1'],
      ['c3', 'review', 'maria'],
    ]);
  });

  it('titles a cluster by its members` distinct names, survivor first', () => {
    expect(clusterTitle(byId('c1'))).toBe('Ada Lovelace');
    expect(clusterTitle(byId('c2'))).toBe('Jonathan Smithers · Jon Smithers');
    expect(clusterTitle({ contacts: [{ id: 'x1', email: 'a@b.example' }, { id: 'x2', phone: '+15125550100' }, { id: 'x3' }] })).toBe('a@b.example · +15125550100 · x3');
  });

  it('names the pairs whose names disagree', () => {
    expect(nameConflicts(byId('c3'))).toEqual(['First names disagree: Maria Lopez (maria) and Carlos Lopez (carlos)']);
    expect(nameConflicts(byId('c2'))).toEqual([]);
  });

  it.each([
    ['review first, then confidence ascending, plan order on ties', [['c1', 'exact', 0.99], ['c2', 'fuzzy', 0.91], ['c3', 'review', 0.999], ['c4', 'fuzzy', 0.91], ['c5', 'review', 0.95]], ['c5', 'c3', 'c2', 'c4', 'c1']],
    ['no review cluster', [['c1', 'exact', 1], ['c2', 'fuzzy', 0.9]], ['c2', 'c1']],
  ] as const)('orders the clusters: %s', (_name, list, order) => {
    expect(reviewOrder(list.map(([id, kind, confidence]) => ({ id, kind, confidence }))).map((c) => c.id)).toEqual(order);
  });
});

describe('renderPlanHtml', () => {
  const p = familyPlan();
  const html = renderPlanHtml(p, { applyCommand: "hoop-etl dedup --apply 'my plan.json' --decisions decisions.json" });

  it('lists the clusters review first, then by confidence, each titled by names, with its kind and confidence', () => {
    expect([...html.matchAll(/<section class="cluster kind-(\w+)" id="cluster-(c\d+)"/g)].map((m) => `${m[2]}:${m[1]}`)).toEqual(['c3:review', 'c2:fuzzy', 'c1:exact']);
    expect(sectionOf(html, 'c3')).toContain('<h2><span class="title">Maria Lopez · Carlos Lopez</span> <span class="kind review">needs review</span></h2>');
    expect(sectionOf(html, 'c2')).toContain('<p class="facts">c2 &middot; 2 contacts &middot; confidence 0.9300 &middot; 3 values dropped</p>');
  });

  it('warns on a review cluster with its reasons and where names disagree; not elsewhere', () => {
    const review = sectionOf(html, 'c3');
    expect(review).toContain('<div class="warning review" role="alert"><b>A person must decide:</b>');
    expect(review).toContain('<li>Shared phone +15125550100, but the first names differ (Maria, Carlos): a family landline?</li>');
    expect(review).toContain('<div class="warning names" role="alert"><b>Names disagree</b>');
    expect(review).toContain('<li>First names disagree: Maria Lopez (maria) and Carlos Lopez (carlos)</li>');
    expect(sectionOf(html, 'c2')).not.toContain('class="warning');
    expect(sectionOf(html, 'c1')).not.toContain('class="warning');
  });

  it('shows the plan`s notes on a cluster, escaped', () => {
    expect(sectionOf(html, 'c2')).toContain('<div class="note"><b>Note:</b><ul><li>Mary Smithers shares the street &lt;12 Elm Street&gt; and is left out</li></ul></div>');
    expect(sectionOf(html, 'c1')).not.toContain('class="note"');
  });

  it('starts exact and fuzzy clusters as Merge, review clusters as undecided', () => {
    const checked = (id: string): string[] => [...sectionOf(html, id).matchAll(/<input type="radio" name="decision-c\d+" id="decide-c\d+-(\w+)" value="\w+" autocomplete="off"( checked)?>/g)].map((m) => `${m[1]}${m[2] ? '*' : ''}`);
    expect(checked('c1')).toEqual(['approve*', 'reject']);
    expect(checked('c2')).toEqual(['approve*', 'reject']);
    expect(checked('c3')).toEqual(['approve', 'reject', 'later*']);
    expect(html).toContain('data-cluster="c3" data-kind="review" data-decision="later"');
  });

  it('shows custom fields by their display names, else their id', () => {
    const fuzzy = sectionOf(html, 'c2');
    expect(fuzzy).toContain('<tr data-field="customFields.cfTier"><th scope="row" title="custom field cfTier">Loyalty tier</th>');
    expect(fuzzy).toContain('<tr data-field="customFields.cfNoName"><th scope="row" title="custom field cfNoName">cfNoName</th>');
    expect(renderPlanHtml({ ...p, customFieldNames: undefined })).toContain('title="custom field cfTier">cfTier</th>');
  });

  it('shows dates as dates, the full time on hover', () => {
    expect(sectionOf(html, 'c1')).toContain('<td title="2024-03-05T10:11:12.345Z">2024-03-05</td><td title="2024-03-06T10:11:12.345Z">2024-03-06</td>');
    expect(sectionOf(html, 'c2')).toContain('<tr class="agreed" data-field="dateOfBirth"><th scope="row">Date of birth <small>(agreed)</small></th><td title="1980-04-12T00:00:00.000Z">1980-04-12</td>');
    expect(html).not.toMatch(/>\d{4}-\d\d-\d\dT[\d:.]+Z</);
    expect(html).toContain('Planned <time datetime="2026-11-28T09:30:00.000Z">2026-11-28 09:30 UTC</time>');
  });

  it('marks the values the merge drops, and not those it keeps in another spelling', () => {
    const fuzzy = sectionOf(html, 'c2');
    // Jon's first name, his city and his loyalty tier lose to the survivor's; his extra custom field is kept.
    // The merged value says why it won where the members disagree (here the fixture's own reason).
    expect(fuzzy).toContain('<td>Jonathan</td><td class="dropped">Jon <small>(dropped)</small></td><td class="merged">Jonathan <small class="why">survivor</small></td>');
    expect(fuzzy).toContain('<td>Springfield</td><td class="dropped">Shelbyville <small>(dropped)</small></td>');
    expect(fuzzy).toContain('<td class="dropped">&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; <small>(dropped)</small></td>');
    expect(fuzzy).toContain('<td></td><td>kept</td><td class="merged changed">kept <small class="why">from Jon Smithers</small></td>');
    // "ada lovelace" is the survivor's name in other case: nothing a person would call lost.
    expect(sectionOf(html, 'c1')).not.toContain('class="dropped"');
    expect(sectionOf(html, 'c3')).toContain('<td class="dropped">Carlos <small>(dropped)</small></td>');
  });

  it('escapes contact data everywhere: no markup from a value reaches the page', () => {
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('binds the page to the plan: location, time and fingerprint in the embedded JSON, which the CSP does not let run', () => {
    const meta = JSON.parse(/<script type="application\/json" id="plan-meta">(.*?)<\/script>/s.exec(html)![1]!);
    expect(meta).toEqual({
      location: 'loc1',
      createdAt: '2026-11-28T09:30:00.000Z',
      planHash: planFingerprint(p),
      clusters: ['c1', 'c2', 'c3'],
      decisionsKind: 'hoop-etl dedup decisions',
      decisionsVersion: 1,
      download: 'decisions.json',
      applyCommand: "hoop-etl dedup --apply 'my plan.json' --decisions decisions.json",
    });
  });

  it('allows its one inline script by hash and nothing else: no external asset, no other script', () => {
    const script = /<script>(.*?)<\/script>/s.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'">`);
    expect(html).not.toMatch(/\b(src|href)=/);
  });

  it('keeps the page of a plan without review clusters readable: every cluster, its members side by side, survivor first', () => {
    const list = contacts();
    (list[1] as Record<string, unknown>).city = '<script>alert(1)</script>';
    const page = renderPlanHtml(plan(list));
    expect(page).toContain('<section class="cluster kind-exact" id="cluster-c1" data-cluster="c1" data-kind="exact" data-decision="approve">');
    expect(page).toContain('<th scope="col" class="survivor">Ada<br><small>old &middot; survivor</small></th><th scope="col" class="loser">Ada<br><small>new &middot; merged into the survivor</small></th>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The page's own two script elements (its JSON and its code), no third from the data.
    expect(page.match(/<script/g)).toHaveLength(2);
    expect(page).toMatch(/<tr class="agreed" data-field="email"><th scope="row">Email <small>\(agreed\)<\/small><\/th>/);
    expect(page).toContain('<td class="merged changed">&lt;script&gt;alert(1)&lt;/script&gt; <small class="why">from Ada</small></td>');
    expect(page).toContain('0 for a person to review');
    // The default command when the caller does not name the plan file.
    expect(page).toContain('"applyCommand":"hoop-etl dedup --apply plan.json --decisions decisions.json"');
  });
});
