import { createHash } from 'node:crypto';
import { DECISIONS_KIND, DECISIONS_VERSION, planFingerprint } from './decisions.js';
import type { DuplicatePair } from './find-duplicates.js';
import type { MergePlan, PlanCluster } from './merge-plan.js';
import { isBlank, MERGE_FIELDS, type SurvivorContact } from './survivor.js';

/**
 * The review page of a merge plan (`--report plan.html`), where a person
 * decides which clusters are merged. One self-contained HTML file: inline
 * CSS and one inline script allowed by its hash in the page's CSP, no
 * external asset. Every value from the platform is HTML-escaped: contact
 * data is untrusted text.
 *
 * Clusters needing review come first, then the rest by confidence, least sure
 * first. Each cluster is titled by its members' names and shows them side by
 * side (survivor first, the merged values last) with the values the merge
 * would drop struck through, a warning where names disagree or a person must
 * decide, the plan's notes on the cluster, and Merge / Keep apart controls: exact and fuzzy clusters start as
 * Merge, review clusters as undecided. "Save decisions" downloads the
 * decisions file (`decisions.ts`) that `--apply plan.json --decisions` follows.
 */

export interface PlanPageOptions {
  /**
   * The command the page tells the reviewer to run after saving.
   * @default 'hoop-etl dedup --apply plan.json --decisions decisions.json'
   */
  readonly applyCommand?: string;
}

/** The name the browser gives the saved decisions. */
export const DECISIONS_DOWNLOAD = 'decisions.json';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

/** JSON safe inside a `<script>` element: no `<` (so no `</script>`), `>`, `&` or line separators left as themselves. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const DATE_FIELDS = new Set(['dateAdded', 'dateUpdated', 'dateOfBirth']);
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `2024-03-05` for an ISO date or timestamp (its UTC date), or for epoch milliseconds; anything else as it is. */
export function dateText(value: unknown): string {
  if (isBlank(value)) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString().slice(0, 10);
  const s = String(value).trim();
  const m = ISO_DATE.exec(s);
  if (!m) return s;
  if (s.length === 10) return s;
  const t = Date.parse(s);
  return Number.isNaN(t) ? (m[1] as string) : new Date(t).toISOString().slice(0, 10);
}

/** `2026-11-28 09:30 UTC` for an ISO timestamp; anything else as it is. */
function timeText(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function cellText(value: unknown): string {
  if (isBlank(value)) return '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Compares as a person reads: case, spacing and a phone's punctuation do not make two values different. */
function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
  if (DATE_FIELDS.has(field)) return dateText(a) === dateText(b);
  if (field === 'phone') return String(a).replace(/\D/g, '') === String(b).replace(/\D/g, '');
  const norm = (v: unknown): string => cellText(v).trim().replace(/\s+/g, ' ').toLowerCase();
  return norm(a) === norm(b);
}

/** A member's display name: its names, else its email, phone or id. */
export function contactName(c: SurvivorContact): string {
  const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
  const name = [text(c.firstName), text(c.lastName)].filter(Boolean).join(' ');
  return name || text(c.email) || text(c.phone) || c.id;
}

/** The cluster's title: its members' distinct names, survivor first (`Maria Lopez · Maria Lopes`). */
export function clusterTitle(cluster: Pick<PlanCluster, 'contacts'>): string {
  const seen = new Set<string>();
  const names: string[] = [];
  for (const c of cluster.contacts) {
    const name = contactName(c);
    const key = name.toLowerCase().replace(/\s+/g, ' ');
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(name);
  }
  return names.join(' · ');
}

/** Review clusters first, then by confidence, least sure first; plan order breaks ties. */
export function reviewOrder<C extends Pick<PlanCluster, 'kind' | 'confidence'>>(clusters: readonly C[]): C[] {
  return clusters
    .map((c, i) => ({ c, i }))
    .sort((x, y) => Number(y.c.kind === 'review') - Number(x.c.kind === 'review') || (x.c.confidence ?? 0) - (y.c.confidence ?? 0) || x.i - y.i)
    .map((x) => x.c);
}

/** The pairs of the cluster whose first or last names disagree, as sentences. */
export function nameConflicts(cluster: Pick<PlanCluster, 'pairs' | 'contacts'>): string[] {
  const byId = new Map(cluster.contacts.map((c) => [c.id, c]));
  const out: string[] = [];
  for (const p of cluster.pairs) {
    const which = (['firstName', 'lastName'] as const).filter((f) => p.fields.some((r) => r.field === f && r.outcome === 'disagreed'));
    if (!which.length) continue;
    const a = byId.get(p.a);
    const b = byId.get(p.b);
    const label = which.length === 2 ? 'First and last names' : which[0] === 'firstName' ? 'First names' : 'Last names';
    out.push(`${label} disagree: ${a ? contactName(a) : p.a} (${p.a}) and ${b ? contactName(b) : p.b} (${p.b})`);
  }
  return out;
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  companyName: 'Company',
  address1: 'Street',
  city: 'City',
  state: 'State',
  postalCode: 'Postal code',
  country: 'Country',
  website: 'Website',
  timezone: 'Time zone',
  dateOfBirth: 'Date of birth',
  source: 'Source',
  assignedTo: 'Assigned to',
  tags: 'Tags',
  dnd: 'Do not disturb',
  dateAdded: 'Added',
  dateUpdated: 'Updated',
};

/** A field's outcome across the cluster's links: the best one any pair reached. */
function fieldOutcome(pairs: readonly DuplicatePair[], field: string): 'agreed' | 'partial' | undefined {
  let best: 'agreed' | 'partial' | undefined;
  for (const p of pairs) {
    for (const f of p.fields) {
      if (f.field !== field) continue;
      if (f.outcome === 'agreed') return 'agreed';
      if (f.outcome === 'partial') best = 'partial';
    }
  }
  return best;
}

const customValue = (c: SurvivorContact, id: string): unknown => c.customFields?.find((cf) => cf.id === id)?.value;

/** `all` when `dnd` is on, else the channels whose setting blocks messages: `SMS (permanent), Email`. */
function dndText(c: SurvivorContact): string {
  const channels = Object.entries((c.dndSettings ?? {}) as Record<string, { status?: string }>)
    .filter(([, s]) => s?.status === 'active' || s?.status === 'permanent')
    .map(([ch, s]) => (s.status === 'permanent' ? `${ch} (permanent)` : ch));
  return [...(c.dnd === true ? ['all'] : []), ...channels].join(', ');
}

interface Row {
  readonly field: string;
  readonly label: string;
  /** The custom field's id, shown on hover. */
  readonly hint?: string;
  readonly values: readonly unknown[];
  readonly merged: unknown;
  /** Merged by the field rules: a member's other value is dropped. */
  readonly merges: boolean;
  readonly from?: string;
  /** Why the merge took this value (`mostCommon 4/5`, `valid date`, `common in location (12 other contacts)`). */
  readonly why?: string;
}

function clusterRows(cluster: PlanCluster, customNames: Readonly<Record<string, string>>): Row[] {
  const contacts = cluster.contacts;
  const customIds: string[] = [];
  for (const c of contacts) for (const cf of c.customFields ?? []) if (!customIds.includes(cf.id)) customIds.push(cf.id);
  const survivor = contacts[0];
  return [
    ...MERGE_FIELDS.map((f) => ({
      field: f as string,
      label: FIELD_LABELS[f] ?? f,
      values: contacts.map((c) => c[f]),
      merged: cluster.merged.fields[f]?.value,
      merges: true,
      from: cluster.merged.fields[f]?.from,
      why: cluster.merged.fields[f]?.why,
    })),
    ...customIds.map((id) => ({
      field: `customFields.${id}`,
      label: customNames[id] ?? id,
      hint: `custom field ${id}`,
      values: contacts.map((c) => customValue(c, id)),
      merged: cluster.merged.customFields[id]?.value,
      merges: true,
      from: cluster.merged.customFields[id]?.from,
      why: cluster.merged.customFields[id]?.why,
    })),
    { field: 'tags', label: 'Tags', values: contacts.map((c) => c.tags ?? []), merged: cluster.tags, merges: false },
    {
      field: 'dnd',
      label: 'Do not disturb',
      values: contacts.map((c) => dndText(c)),
      merged: dndText({
        id: cluster.survivor,
        ...survivor,
        ...(cluster.dndCarried?.dnd && { dnd: true }),
        dndSettings: { ...(survivor?.dndSettings as object | undefined), ...cluster.dndCarried?.dndSettings },
      }),
      merges: false,
    },
    { field: 'dateAdded', label: 'Added', values: contacts.map((c) => c.dateAdded), merged: undefined, merges: false },
    { field: 'dateUpdated', label: 'Updated', values: contacts.map((c) => c.dateUpdated), merged: undefined, merges: false },
  ];
}

/** The member values a merge drops: differ from the merged value (blank merged included). */
function isDropped(row: Row, value: unknown): boolean {
  return row.merges && !isBlank(value) && !sameValue(row.field, value, row.merged);
}

/** A value's cell; `after` is trusted HTML appended to the escaped value. */
function valueCell(row: Row, value: unknown, cls = '', after = ''): string {
  const isDate = DATE_FIELDS.has(row.field);
  const text = isDate ? dateText(value) : cellText(value);
  const title = isDate && !isBlank(value) && text !== String(value) ? ` title="${escapeHtml(value)}"` : '';
  return `<td${cls ? ` class="${cls}"` : ''}${title}>${escapeHtml(text)}${after}</td>`;
}

function clusterTable(cluster: PlanCluster, customNames: Readonly<Record<string, string>>): { html: string; dropped: number } {
  const contacts = cluster.contacts;
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const changed = new Set(cluster.changes.map((c) => c.field));
  let dropped = 0;
  const head = contacts
    .map((c) => {
      const role = c.id === cluster.survivor ? 'survivor' : 'loser';
      const what = role === 'survivor' ? 'survivor' : 'merged into the survivor';
      return `<th scope="col" class="${role}">${escapeHtml(contactName(c))}<br><small>${escapeHtml(c.id)} &middot; ${what}</small></th>`;
    })
    .join('');
  const body = clusterRows(cluster, customNames)
    .filter((r) => r.values.some((v) => !isBlank(v)) || !isBlank(r.merged))
    .map((r) => {
      const outcome = fieldOutcome(cluster.pairs, r.field);
      const cls = outcome ? ` class="${outcome}"` : '';
      const cells = r.values
        .map((v) => {
          if (!isDropped(r, v)) return valueCell(r, v);
          dropped++;
          return valueCell(r, v, 'dropped', ' <small>(dropped)</small>');
        })
        .join('');
      const changes = changed.has(r.field) || (r.field === 'tags' && cluster.tagsToAdd.length > 0) || (r.field === 'dnd' && cluster.dndCarried !== undefined);
      const source = changes && r.from && r.from !== cluster.survivor ? `from ${escapeHtml(contactName(byId.get(r.from) ?? { id: r.from }))}` : '';
      // Why the value won, where there was a choice to make (more than one value among the members).
      const choice = r.why && new Set(r.values.filter((v) => !isBlank(v)).map((v) => JSON.stringify(v))).size > 1 ? escapeHtml(r.why) : '';
      const from = source || choice ? ` <small class="why">${[source, choice].filter(Boolean).join(': ')}</small>` : '';
      const merged = r.field === 'dateAdded' || r.field === 'dateUpdated' ? '<td class="merged"></td>' : valueCell(r, r.merged, `merged${changes ? ' changed' : ''}`, from);
      const hint = r.hint ? ` title="${escapeHtml(r.hint)}"` : '';
      return `<tr${cls} data-field="${escapeHtml(r.field)}"><th scope="row"${hint}>${escapeHtml(r.label)}${outcome ? ` <small>(${outcome})</small>` : ''}</th>${cells}${merged}</tr>`;
    })
    .join('\n');
  return {
    html: `<table><thead><tr><th scope="col">field</th>${head}<th scope="col" class="merged">after the merge</th></tr></thead><tbody>\n${body}\n</tbody></table>`,
    dropped,
  };
}

function pairList(pairs: readonly DuplicatePair[], contacts: readonly SurvivorContact[], open: boolean): string {
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const who = (id: string): string => `<b>${escapeHtml(byId.has(id) ? contactName(byId.get(id)!) : id)}</b> <small>${escapeHtml(id)}</small>`;
  const items = pairs.map((p) => {
    const reasons = p.fields
      .filter((f) => f.outcome !== 'missing')
      .map((f) => `<span class="${escapeHtml(f.outcome)}">${escapeHtml(FIELD_LABELS[f.field] ?? f.field)} ${escapeHtml(f.level)} ${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)}</span>`)
      .join(' ');
    return `<li>${who(p.a)} &harr; ${who(p.b)}: linked by ${escapeHtml(p.linkedBy.join(' and '))}; probability ${p.probability.toFixed(4)}, weight ${p.weight.toFixed(2)} bits${p.swappedNames ? ', names swapped' : ''}<br>${reasons}</li>`;
  });
  return `<details class="pairs"${open ? ' open' : ''}><summary>Why they match (${pairs.length} ${pairs.length === 1 ? 'link' : 'links'})</summary><ul>${items.join('\n')}</ul></details>`;
}

const KIND_LABEL: Readonly<Record<string, string>> = { exact: 'exact email or phone', fuzzy: 'fuzzy match', review: 'needs review' };

function decisionControls(cluster: PlanCluster): string {
  const id = escapeHtml(cluster.id);
  const review = cluster.kind === 'review';
  const radio = (value: string, label: string, checked: boolean): string =>
    `<label><input type="radio" name="decision-${id}" id="decide-${id}-${value}" value="${value}" autocomplete="off"${checked ? ' checked' : ''}> ${label}</label>`;
  return `<fieldset class="decision"><legend>Decision on ${id}</legend>${radio('approve', 'Merge', !review)}${radio('reject', 'Keep apart', false)}${review ? radio('later', 'Decide later (not merged)', true) : ''}</fieldset>`;
}

function clusterSection(cluster: PlanCluster, customNames: Readonly<Record<string, string>>): string {
  const table = clusterTable(cluster, customNames);
  const warnings: string[] = [];
  if (cluster.kind === 'review') {
    const reasons = (cluster.review ?? []).map((r) => `<li>${escapeHtml(r)}</li>`).join('');
    warnings.push(`<div class="warning review" role="alert"><b>A person must decide:</b> this cluster is merged only when you choose Merge.${reasons ? `<ul>${reasons}</ul>` : ''}</div>`);
  }
  const conflicts = nameConflicts(cluster);
  if (conflicts.length) {
    warnings.push(`<div class="warning names" role="alert"><b>Names disagree</b>: these may be different people (a family, coworkers).<ul>${conflicts.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ul></div>`);
  }
  if (cluster.notes?.length) {
    warnings.push(`<div class="note"><b>Note:</b><ul>${cluster.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul></div>`);
  }
  const tagDelta = cluster.tagsToAdd.length ? `<p>Tags added to the survivor: ${escapeHtml(cluster.tagsToAdd.join(', '))}</p>` : '';
  const defaultDecision = cluster.kind === 'review' ? 'later' : 'approve';
  const facts = [
    escapeHtml(cluster.id),
    `${cluster.ids.length} contacts`,
    `confidence ${(cluster.confidence ?? 0).toFixed(4)}`,
    table.dropped ? `${table.dropped} ${table.dropped === 1 ? 'value' : 'values'} dropped` : 'no value dropped',
  ];
  return `<section class="cluster kind-${escapeHtml(cluster.kind)}" id="cluster-${escapeHtml(cluster.id)}" data-cluster="${escapeHtml(cluster.id)}" data-kind="${escapeHtml(cluster.kind)}" data-decision="${defaultDecision}">
<h2><span class="title">${escapeHtml(clusterTitle(cluster))}</span> <span class="kind ${escapeHtml(cluster.kind)}">${escapeHtml(KIND_LABEL[cluster.kind] ?? cluster.kind)}</span></h2>
<p class="facts">${facts.join(' &middot; ')}</p>
${warnings.join('\n')}
${decisionControls(cluster)}
${table.html}
${tagDelta}
${pairList(cluster.pairs, cluster.contacts, cluster.kind === 'review')}
</section>`;
}

/**
 * The page's only script: keeps each cluster's look and the counts in step
 * with its controls, and writes the decisions file on Save. Its sha256 is in
 * the page's CSP; it reads the plan's identity from the `plan-meta` JSON.
 */
const SCRIPT = `(function () {
  'use strict';
  var meta = JSON.parse(document.getElementById('plan-meta').textContent);
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.cluster'));
  function decisionOf(section) {
    var checked = section.querySelector('fieldset.decision input:checked');
    return checked ? checked.value : 'later';
  }
  function refresh() {
    var n = { approve: 0, reject: 0, later: 0 };
    sections.forEach(function (s) {
      var d = decisionOf(s);
      s.setAttribute('data-decision', d);
      n[d] += 1;
    });
    document.getElementById('count-approve').textContent = String(n.approve);
    document.getElementById('count-reject').textContent = String(n.reject);
    document.getElementById('count-later').textContent = String(n.later);
    return n;
  }
  document.addEventListener('change', function (e) {
    if (e.target && e.target.closest && e.target.closest('fieldset.decision')) {
      refresh();
      document.getElementById('saved').textContent = 'Changed since the last save.';
    }
  });
  window.addEventListener('pageshow', refresh);
  document.getElementById('save').addEventListener('click', function () {
    var n = refresh();
    var byId = {};
    sections.forEach(function (s) { byId[s.getAttribute('data-cluster')] = decisionOf(s); });
    var decisions = {};
    meta.clusters.forEach(function (id) {
      var d = byId[id];
      if (d === 'approve' || d === 'reject') decisions[id] = d;
    });
    var file = {
      kind: meta.decisionsKind,
      version: meta.decisionsVersion,
      location: meta.location,
      planCreatedAt: meta.createdAt,
      planHash: meta.planHash,
      savedAt: new Date().toISOString(),
      decisions: decisions
    };
    var url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2) + '\\n'], { type: 'application/json' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = meta.download;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    document.getElementById('saved').textContent = 'Saved ' + meta.download + ' (in your downloads folder): ' + n.approve + ' to merge, ' + n.reject + ' kept apart, ' + n.later + ' left for review. Then run: ' + meta.applyCommand;
  });
  refresh();
})();`;

const SCRIPT_HASH = `sha256-${createHash('sha256').update(SCRIPT).digest('base64')}`;

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin:0 0 .2em}
.toolbar{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #ccc;padding:.6em 0;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
.toolbar button{font:inherit;font-weight:bold;padding:.35em 1em;cursor:pointer}
#saved{color:#245;flex-basis:100%;margin:0}
section.cluster{border:1px solid #ccc;border-left:6px solid #4a4;border-radius:4px;padding:.8em 1em;margin:1.2em 0}
section.cluster[data-decision=reject]{border-left-color:#999;background:#f7f7f7}
section.cluster[data-decision=reject] table{opacity:.6}
section.cluster[data-decision=later]{border-left-color:#d80}
.facts{margin:.1em 0 .5em;color:#555}
.warning{border:1px solid #e0a000;background:#fff6dc;padding:.4em .7em;margin:.5em 0;border-radius:4px}
.warning.review{border-color:#c33;background:#fde8e8}
.warning ul,.note ul{margin:.2em 0 0;padding-left:1.4em}
.note{border:1px solid #9bd;background:#eef6fc;padding:.4em .7em;margin:.5em 0;border-radius:4px}
fieldset.decision{border:1px solid #bbb;border-radius:4px;display:inline-flex;gap:1.2em;padding:.3em .8em;margin:.3em 0 .6em}
fieldset.decision legend{font-size:.85em;color:#555}
fieldset.decision label{cursor:pointer}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
thead th{background:#f4f4f4}th.survivor{background:#dff0d8}td.merged,th.merged{background:#eef4ff}td.changed{font-weight:bold}
tr.agreed>th,tr.agreed>td:not(.merged){background:#fff3b0}tr.partial>th,tr.partial>td:not(.merged){background:#fff9dc}
td.dropped{text-decoration:line-through;text-decoration-color:#c00;color:#800}td.dropped small{text-decoration:none;display:inline-block}
span.agreed{background:#fff3b0}span.partial{background:#fff9dc}span.disagreed{color:#a00}
.kind{font-size:.75em;padding:.1em .4em;border-radius:.3em;background:#eee;vertical-align:middle}.kind.fuzzy{background:#ffe0b3}.kind.review{background:#f8c0c0}
details.pairs ul{margin:.3em 0}details.pairs li{margin:.3em 0}small{color:#666}`;

export function renderPlanHtml(plan: MergePlan, options: PlanPageOptions = {}): string {
  const s = plan.summary;
  // Plans written before the names were kept show the ids.
  const customNames = plan.customFieldNames ?? {};
  const applyCommand = options.applyCommand ?? `hoop-etl dedup --apply plan.json --decisions ${DECISIONS_DOWNLOAD}`;
  const review = s.reviewClusters ?? plan.clusters.filter((c) => c.kind === 'review').length;
  const meta = {
    location: plan.location,
    createdAt: plan.createdAt,
    planHash: planFingerprint(plan),
    clusters: plan.clusters.map((c) => c.id),
    decisionsKind: DECISIONS_KIND,
    decisionsVersion: DECISIONS_VERSION,
    download: DECISIONS_DOWNLOAD,
    applyCommand,
  };
  const sections = reviewOrder(plan.clusters).map((c) => clusterSection(c, customNames));
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src '${SCRIPT_HASH}'">
<title>hoop-etl dedup plan: ${escapeHtml(plan.location)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Duplicate merge plan for location ${escapeHtml(plan.location)}</h1>
<p>Planned <time datetime="${escapeHtml(plan.createdAt)}">${escapeHtml(timeText(plan.createdAt))}</time> with threshold ${escapeHtml(plan.threshold)}, survivor rule ${escapeHtml(plan.settings.survivor)}, field rule ${escapeHtml(plan.settings.fieldRule)}.</p>
<p id="summary">${s.contacts} contacts read; ${s.clusters} clusters (${s.exactClusters} by exact email or phone, ${s.fuzzyClusters} fuzzy, ${review} for a person to review), ${s.contactsInClusters} contacts in them, ${s.contactsToRemove} to be merged away${s.contactsInReview ? ` (${s.contactsInReview} more if the review clusters are approved)` : ''}. Nothing changes until the plan is applied.</p>
<p><small>Clusters that need a person's decision come first, then the rest, least sure first. Each one shows its members side by side, survivor first, and the survivor after the merge last:
bold merged values change the survivor, <s>struck</s> values are dropped by the merge, highlighted rows are fields that agree (bright) or nearly agree (pale).
Dates are shown as UTC dates (hover for the full time).
Exact and fuzzy clusters are merged unless you choose Keep apart; clusters that need review are merged only if you choose Merge.
When done, click Save decisions and run the command it shows.</small></p>
<noscript><p class="warning">Saving decisions needs JavaScript. Without it, leave clusters out by id: <code>hoop-etl dedup --apply plan.json --skip c2,c5</code> (review clusters are never merged this way).</p></noscript>
<div class="toolbar"><button type="button" id="save">Save decisions</button>
<span>Clusters to merge: <b id="count-approve">-</b></span><span>kept apart: <b id="count-reject">-</b></span><span>left for review: <b id="count-later">-</b></span>
<p id="saved" role="status"></p></div>
${sections.join('\n')}
<script type="application/json" id="plan-meta">${jsonForScript(meta)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
