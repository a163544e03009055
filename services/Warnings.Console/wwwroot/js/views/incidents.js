// My district's incidents: the open ones with the next report due and a countdown, late (迟报)
// and overdue ones marked, each with its timeline and the reports that can follow; incidents
// reported offline and still in the outbox are listed first, so a follow-up can be queued too.
import { get } from '../api.js';
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { serverNow, session } from '../app.js';
import { currentList } from '../data.js';
import { countdown, show } from '../time.js';
import { isNetworkError } from '../offline.js';
import * as outbox from '../reporting/outbox.js';
import { classBadge, kindLabel, openIncidents } from '../reporting/incidents-data.js';

export const name = 'incidents';

const categoryName = (list, code) => (((list.reporting || {}).categories || []).find((c) => c.code === code) || {}).name || code;

function timelineOf(timeline) {
  return h('ol', { class: 'timeline' }, (timeline.reports || []).map((r) => h('li', { dataset: { sequence: r.sequence } },
    h('time', {}, show(r.receivedAt)), ' ', r.corrects ? t('rCorrectionOf', r.corrects) : kindLabel(r.kind), ` #${r.sequence} `, classBadge(r.severityClass),
    r.late ? h('strong', { class: 'late-mark' }, ` ${t('rLate')}`) : null,
    h('span', { class: 'muted' }, ` · ${r.submittedBy}`), r.correctionReason ? h('span', { class: 'muted' }, ` · ${r.correctionReason}`) : null,
    h('div', { class: 'muted' }, (r.body || {}).account || ''))));
}

function incidentItem(list, incident, timeline, clocks) {
  const late = (timeline.reports || []).filter((r) => r.late).length;
  const clock = h('span', { class: 'countdown', dataset: { due: incident.nextReportDueAt || '' } });
  clocks.push(clock);
  const latest = (timeline.reports || []).filter((r) => !r.corrects).pop();
  const correctable = !incident.correctionsUntil || Date.parse(incident.correctionsUntil) > serverNow();
  return h('li', { class: `item incident${incident.overdue ? ' overdue' : ''}${late ? ' has-late' : ''}`, dataset: { incident: incident.id, overdue: String(Boolean(incident.overdue)) } },
    h('div', { class: 'item-head' }, h('strong', {}, categoryName(list, incident.category)), classBadge(incident.severityClass),
      h('span', { class: 'muted' }, `${show(incident.occurredAt)} · ${incident.id}`),
      incident.overdue ? h('strong', { class: 'overdue-mark' }, t('rOverdue')) : null,
      late ? h('strong', { class: 'late-mark' }, t('rLateCount', late)) : null),
    h('p', {}, t('rNextDue', incident.nextReportDueLocal || show(incident.nextReportDueAt)), ' ', clock),
    h('div', { class: 'item-actions' },
      h('a', { class: 'button primary', href: `#/report/followUp/${incident.id}`, dataset: { action: 'follow-up' } }, t('rFollowUp')),
      h('a', { class: 'button', href: `#/report/final/${incident.id}`, dataset: { action: 'final' } }, t('rFinal')),
      latest && correctable ? h('a', { class: 'button', href: `#/report/correct/${incident.id}/${latest.sequence}`, dataset: { action: 'correct' } }, t('rCorrectLatest')) : null),
    h('details', {}, h('summary', {}, t('rTimeline', incident.reports)), timelineOf(timeline)));
}

function queuedItem(entry) {
  return h('li', { class: 'item incident queued', dataset: { local: entry.localId } },
    h('div', { class: 'item-head' }, h('strong', {}, entry.label), h('span', { class: 'outbox-state' }, t('rInOutbox'))),
    h('div', { class: 'item-actions' }, h('a', { class: 'button primary', href: `#/report/followUp/local-${entry.localId}`, dataset: { action: 'follow-up' } }, t('rFollowUp'))));
}

export async function render(main) {
  const list = await currentList();
  const queued = (await outbox.items()).filter((i) => i.kind === 'initial');
  let incidents = [];
  let offline = false;
  try {
    incidents = await openIncidents(session.district);
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    offline = true;
  }
  const timelines = await Promise.all(incidents.slice(0, 50).map((i) => get('/v1/incidents:getTimeline', { incidentId: i.id }).catch(() => ({ incident: i, reports: [] }))));
  const clocks = [];
  // Overdue first, then the soonest due.
  const order = incidents.map((incident, i) => ({ incident, timeline: timelines[i] || { reports: [] } }))
    .sort((a, b) => Number(b.incident.overdue) - Number(a.incident.overdue) || Date.parse(a.incident.nextReportDueAt || 0) - Date.parse(b.incident.nextReportDueAt || 0));
  mount(main, h('h1', {}, t('rMyIncidents')),
    h('p', {}, h('a', { class: 'button primary', href: '#/report', id: 'new-report' }, t('rNewInitial'))),
    offline ? h('p', { class: 'banner' }, t('rOfflineList')) : null,
    queued.length || order.length ? h('ul', { class: 'items', id: 'incidents' }, queued.map(queuedItem), order.map((x) => incidentItem(list, x.incident, x.timeline, clocks)))
      : h('p', {}, t('rNoIncidents')));
  const tick = () => {
    for (const clock of clocks) {
      if (!clock.dataset.due) continue;
      const left = countdown(clock.dataset.due, serverNow());
      clock.textContent = left.late ? t('rPastDue', left.text) : t('dueIn', left.text);
      clock.classList.toggle('late', left.late);
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}
