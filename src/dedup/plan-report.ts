import type { DuplicatePair } from './find-duplicates.js';
import type { MergePlan, PlanCluster } from './merge-plan.js';
import { isBlank, MERGE_FIELDS, type SurvivorContact } from './survivor.js';

/**
 * The review page of a merge plan (`--report plan.html`): one self-contained
 * HTML file (inline CSS, no script, no external asset), each cluster side by
 * side with the survivor first and the merged values last, the fields the
 * match rests on highlighted, every pair's score and reasons. Every value
 * from the platform is HTML-escaped: contact data is untrusted text.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

function cellText(value: unknown): string {
  if (isBlank(value)) return '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

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

function clusterTable(cluster: PlanCluster): string {
  const contacts = cluster.contacts;
  const changed = new Set(cluster.changes.map((c) => c.field));
  const customIds: string[] = [];
  for (const c of contacts) for (const cf of c.customFields ?? []) if (!customIds.includes(cf.id)) customIds.push(cf.id);
  const rows: Array<{ field: string; values: unknown[]; merged: unknown }> = [
    ...MERGE_FIELDS.map((f) => ({ field: f as string, values: contacts.map((c) => c[f]), merged: cluster.merged.fields[f]?.value })),
    ...customIds.map((id) => ({ field: `customFields.${id}`, values: contacts.map((c) => customValue(c, id)), merged: cluster.merged.customFields[id]?.value })),
    { field: 'tags', values: contacts.map((c) => c.tags ?? []), merged: cluster.tags },
    {
      field: 'dnd',
      values: contacts.map((c) => dndText(c)),
      merged: dndText({ id: cluster.survivor, ...cluster.contacts[0], ...(cluster.dndCarried?.dnd && { dnd: true }), dndSettings: { ...(cluster.contacts[0]?.dndSettings as object | undefined), ...cluster.dndCarried?.dndSettings } }),
    },
    { field: 'dateAdded', values: contacts.map((c) => c.dateAdded), merged: undefined },
    { field: 'dateUpdated', values: contacts.map((c) => c.dateUpdated), merged: undefined },
  ];
  const head = contacts
    .map((c) => `<th scope="col" class="${c.id === cluster.survivor ? 'survivor' : 'loser'}">${escapeHtml(c.id)}<br><small>${c.id === cluster.survivor ? 'survivor' : 'merged into survivor'}</small></th>`)
    .join('');
  const body = rows
    .filter((r) => r.values.some((v) => !isBlank(v)) || !isBlank(r.merged))
    .map((r) => {
      const outcome = fieldOutcome(cluster.pairs, r.field);
      const cls = outcome ? ` class="${outcome}"` : '';
      const cells = r.values.map((v) => `<td>${escapeHtml(cellText(v))}</td>`).join('');
      const merged = `<td class="merged${changed.has(r.field) || (r.field === 'tags' && cluster.tagsToAdd.length) || (r.field === 'dnd' && cluster.dndCarried) ? ' changed' : ''}">${escapeHtml(cellText(r.merged))}</td>`;
      return `<tr${cls}><th scope="row">${escapeHtml(r.field)}${outcome ? ` <small>(${outcome})</small>` : ''}</th>${cells}${merged}</tr>`;
    })
    .join('\n');
  return `<table><thead><tr><th scope="col">field</th>${head}<th scope="col" class="merged">after the merge</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function pairList(pairs: readonly DuplicatePair[]): string {
  const items = pairs.map((p) => {
    const reasons = p.fields
      .filter((f) => f.outcome !== 'missing')
      .map((f) => `<span class="${f.outcome}">${escapeHtml(f.field)} ${escapeHtml(f.level)} ${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(2)}</span>`)
      .join(' ');
    return `<li><b>${escapeHtml(p.a)}</b> &harr; <b>${escapeHtml(p.b)}</b>: linked by ${escapeHtml(p.linkedBy.join(' and '))}; probability ${p.probability.toFixed(4)}, weight ${p.weight.toFixed(2)} bits${p.swappedNames ? ', names swapped' : ''}<br>${reasons}</li>`;
  });
  return `<ul class="pairs">${items.join('\n')}</ul>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
thead th{background:#f4f4f4}th.survivor{background:#dff0d8}td.merged,th.merged{background:#eef4ff}td.changed{font-weight:bold}
tr.agreed>th,tr.agreed>td:not(.merged){background:#fff3b0}tr.partial>th,tr.partial>td:not(.merged){background:#fff9dc}
span.agreed{background:#fff3b0}span.partial{background:#fff9dc}span.disagreed{color:#a00}
.kind{font-size:.8em;padding:.1em .4em;border-radius:.3em;background:#eee}.kind.fuzzy{background:#ffe0b3}
ul.pairs li{margin:.3em 0}small{color:#666}`;

export function renderPlanHtml(plan: MergePlan): string {
  const s = plan.summary;
  const sections = plan.clusters.map((c) => {
    const tagDelta = c.tagsToAdd.length ? `<p>Tags added to the survivor: ${escapeHtml(c.tagsToAdd.join(', '))}</p>` : '';
    return `<section class="cluster" id="cluster-${escapeHtml(c.id)}" data-cluster="${escapeHtml(c.id)}">
<h2>Cluster ${escapeHtml(c.id)} <span class="kind ${c.kind}">${c.kind === 'exact' ? 'exact email or phone' : 'fuzzy match'}</span> &middot; ${c.ids.length} contacts &middot; survivor ${escapeHtml(c.survivor)}</h2>
${clusterTable(c)}
${tagDelta}
${pairList(c.pairs)}
</section>`;
  });
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>hoop-etl dedup plan: ${escapeHtml(plan.location)}</title>
<style>${STYLE}</style></head>
<body>
<h1>Duplicate merge plan for location ${escapeHtml(plan.location)}</h1>
<p>Planned ${escapeHtml(plan.createdAt)} with threshold ${plan.threshold}, survivor rule ${escapeHtml(plan.settings.survivor)}, field rule ${escapeHtml(plan.settings.fieldRule)}.</p>
<p id="summary">${s.contacts} contacts read; ${s.clusters} clusters (${s.exactClusters} by exact email or phone, ${s.fuzzyClusters} fuzzy), ${s.contactsInClusters} contacts in them, ${s.contactsToRemove} to be merged away. Nothing changes until the plan is applied.</p>
<p><small>Highlighted rows: fields that agree (bright) or nearly agree (pale) between linked contacts. Bold merged values change the survivor.
To merge: <code>hoop-etl dedup --apply plan.json</code>; to leave clusters out: <code>--skip c2,c5</code>; to keep the duplicates, tagged: <code>--no-delete</code>.</small></p>
${sections.join('\n')}
</body></html>
`;
}
