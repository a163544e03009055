// Reads and words shared by the reporter's pages: classes, kinds, a report's current content,
// and what the outbox already says about an incident reported offline.
import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as outbox from './outbox.js';

const CLASS_WORDS = { I: 'rClassI', II: 'rClassII', III: 'rClassIII', IV: 'rClassIV' };

/** "III 较大" as a badge (class-iii…). */
export const classBadge = (c) => (c ? h('span', { class: `sev sev-${c.toLowerCase()}`, dataset: { severity: c } }, `${c} ${t(CLASS_WORDS[c] || c)}`) : h('span', { class: 'muted' }, '—'));

export const kindLabel = (kind) => t({ initial: 'rInitial', followUp: 'rFollowUp', final: 'rFinal', correct: 'rCorrection',
  REPORT_KIND_INITIAL: 'rInitial', REPORT_KIND_FOLLOW_UP: 'rFollowUp', REPORT_KIND_FINAL: 'rFinal' }[kind] || kind);

/** Report sequence as it stands: its latest correction's content, else its own (kind kept). */
export function contentOf(timeline, sequence) {
  const reports = timeline.reports || [];
  const original = reports.find((r) => r.sequence === sequence && !r.corrects) || {};
  const latest = reports.filter((r) => r.corrects === sequence).pop();
  return { ...original, body: (latest || original).body || {} };
}

/** The counts the newest queued report of an offline incident gives (its initial report's, or a later one's). */
export async function queuedTotals(localId) {
  const group = (await outbox.items()).filter((i) => i.localId === localId || i.dependsOn === localId);
  return group.length ? group[group.length - 1].body.totals || {} : {};
}

/**
 * Every page of the district's open incidents, newest first (bounded: 800 incidents, 100 calls). A
 * page looks at a part of the history only, so it can be short or empty and still have a next token.
 */
export async function openIncidents(district) {
  const incidents = [];
  let pageToken = '';
  for (let i = 0; i < 100 && incidents.length < 800; i++) {
    const page = await get('/v1/incidents', { district, openState: 1, newestFirst: true, pageSize: 200, pageToken });
    incidents.push(...(page.incidents || []));
    pageToken = page.nextPageToken || '';
    if (!pageToken) break;
  }
  return incidents;
}
