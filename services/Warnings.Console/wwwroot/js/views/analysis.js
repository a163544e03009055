// Analysis (analyst): reporting timeliness and completeness per district for a period, drilling
// from the city to a district, to its incidents, to one incident's timeline; each level offers the
// exports (CSV, xlsx) of the same selection. Routes: #/analysis, #/analysis/{district},
// #/analysis/{district}/{incident}.
import { get } from '../api.js';
import { field, h, mount } from '../dom.js';
import { t as word } from '../i18n.js';
import { show } from '../time.js';
import { serverNow } from '../app.js';

export const name = 'analysis';

// This view's words are the i18n block 'an.*' (the nav entry is navAnalysis).
const t = (key) => (key === 'navAnalysis' || key === 'none' ? word(key) : word(`an.${key}`));

const DAY_MS = 24 * 3600 * 1000;
const OFFSET_MS = 8 * 3600 * 1000; // Shanghai, UTC+8 all year

// The period is kept while the analyst drills down and back: Shanghai dates, "to" inclusive.
const period = { from: '', to: '' };

const localDate = (ms) => new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
const startOf = (date) => new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS).toISOString();
const range = () => ({ from: startOf(period.from), to: new Date(Date.parse(startOf(period.to)) + DAY_MS).toISOString() });
const percent = (rate) => `${(100 * (rate ?? 1)).toFixed(1)}%`;

export async function render(main, district, incident) {
  if (!period.from) {
    period.to = localDate(serverNow());
    period.from = localDate(serverNow() - 29 * DAY_MS);
  }

  const fromInput = h('input', { type: 'date', value: period.from, required: true });
  const toInput = h('input', { type: 'date', value: period.to, required: true });
  const body = h('div', { id: 'analysis-body', 'aria-live': 'polite' });
  const crumbs = [h('a', { href: '#/analysis' }, t('city'))];
  if (district) crumbs.push(' › ', h('a', { href: `#/analysis/${district}` }, district));
  if (incident) crumbs.push(' › ', h('span', {}, incident));

  mount(main, h('h1', {}, t('navAnalysis')),
    h('nav', { class: 'crumbs', 'aria-label': t('drillPath') }, crumbs),
    h('form', { class: 'row', id: 'analysis-period', onsubmit: (e) => { e.preventDefault(); apply(); } },
      field('a-from', t('periodFrom'), fromInput), field('a-to', t('periodTo'), toInput),
      h('button', { type: 'submit' }, t('apply'))),
    h('section', { 'aria-labelledby': 'exports-title' }, h('h2', { id: 'exports-title' }, t('exportsTitle')), exportLinks(district)),
    body);

  function apply() {
    if (!fromInput.value || !toInput.value) return;
    period.from = fromInput.value;
    period.to = toInput.value;
    render(main, district, incident);
  }

  if (incident) await timeline(body, district, incident);
  else if (district) await districtView(body, district);
  else await cityView(body);
  return undefined;
}

function exportLinks(district) {
  const query = new URLSearchParams(range());
  if (district) query.set('district', district);
  const files = ['incidents.csv', 'reports.csv', 'timeliness.csv', 'statistics.csv', 'all.xlsx'];
  return h('ul', { class: 'exports', id: 'export-links' }, files.map((file) =>
    h('li', {}, h('a', { href: `/v1/exports/${file}?${query}`, download: '', dataset: { file } }, `${t(`export_${file.split('.')[0]}`)} (${file.split('.')[1].toUpperCase()})`))));
}

function timelinessTable(rows, linkDistricts, gapsByDistrict) {
  const headers = [t('district'), t('expected'), t('received'), t('onTime'), t('late'), t('overdue'), t('onTimeRate'), t('gaps')];
  return h('table', { class: 'grid', id: 'timeliness' },
    h('caption', {}, t('timelinessCaption')),
    h('thead', {}, h('tr', {}, headers.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((d, i) => h('tr', { dataset: { district: d.district }, class: i === rows.length - 1 && linkDistricts ? 'total' : undefined },
      h('th', { scope: 'row' }, linkDistricts && i < rows.length - 1 ? h('a', { href: `#/analysis/${d.district}` }, d.name) : d.name),
      [d.expected, d.received, d.onTime, d.late, d.overdue].map((n) => h('td', { class: 'num' }, n || 0)),
      h('td', { class: 'num' }, percent(d.onTimeRate)),
      h('td', { class: 'num' }, gapsByDistrict(d.district))))));
}

async function completeness() {
  const report = await get('/v1/analysis:getCompleteness');
  return report.gaps || [];
}

async function cityView(body) {
  const [report, gaps] = await Promise.all([get('/v1/analysis:getTimeliness', range()), completeness()]);
  const count = (district) => (district === '310000' ? gaps.length : gaps.filter((g) => g.district === district).length);
  mount(body, timelinessTable([...(report.districts || []), report.city], true, count));
}

async function districtView(body, district) {
  const [report, gaps, incidents] = await Promise.all([
    get('/v1/analysis:getTimeliness', { ...range(), district }),
    completeness(),
    get('/v1/incidents', { district, occurredFrom: range().from, occurredTo: range().to, pageSize: 500 }),
  ]);
  const here = gaps.filter((g) => g.district === district);
  const missing = new Set(here.map((g) => g.incidentId));
  const list = incidents.incidents || [];
  mount(body,
    timelinessTable(report.districts || [], false, () => here.length),
    h('section', { 'aria-labelledby': 'gaps-title' }, h('h2', { id: 'gaps-title' }, t('gaps')),
      here.length === 0 ? h('p', {}, t('none')) : h('ul', { id: 'gaps' }, here.map((g) =>
        h('li', {}, h('a', { href: `#/analysis/${district}/${g.incidentId}` }, g.incidentId), ` · ${t(g.gap)} · ${g.detail}`)))),
    h('section', { 'aria-labelledby': 'incidents-title' }, h('h2', { id: 'incidents-title' }, t('incidentsInPeriod')),
      list.length === 0 ? h('p', {}, t('none')) : h('table', { class: 'grid', id: 'incidents' },
        h('thead', {}, h('tr', {}, [t('incident'), t('category'), t('severityClass'), t('occurred'), t('state'), t('reportsCount'), t('nextDue')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, list.map((i) => h('tr', { dataset: { incident: i.id } },
          h('th', { scope: 'row' }, h('a', { href: `#/analysis/${district}/${i.id}` }, i.id)),
          h('td', {}, i.category), h('td', {}, i.severityClass), h('td', {}, show(i.occurredAt)),
          h('td', {}, i.closed ? t('closed') : i.overdue || missing.has(i.id) ? h('strong', { class: 'error' }, t('overdue')) : t('open')),
          h('td', { class: 'num' }, i.reports || 0), h('td', {}, i.closed ? '' : show(i.nextReportDueAt))))))));
}

async function timeline(body, district, incident) {
  const result = await get('/v1/incidents:getTimeline', { incidentId: incident });
  const i = result.incident || {};
  mount(body,
    h('h2', {}, `${i.id} · ${i.category} · ${i.severityClass}`),
    h('p', {}, `${t('occurred')}: ${show(i.occurredAt)} · ${i.closed ? t('closed') : t('open')}`),
    h('table', { class: 'grid', id: 'timeline' },
      h('caption', {}, t('timelineCaption')),
      h('thead', {}, h('tr', {}, ['#', t('kind'), t('received'), t('due'), t('late'), t('severityClass'), t('deaths'), t('account')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (result.reports || []).map((r) => h('tr', { dataset: { sequence: r.sequence } },
        h('th', { scope: 'row' }, r.sequence), h('td', {}, t(r.kind || 'REPORT_KIND_UNSPECIFIED')), h('td', {}, show(r.receivedAt)), h('td', {}, show(r.dueAt)),
        h('td', {}, r.late ? h('strong', { class: 'error' }, t('late')) : t('onTime')), h('td', {}, r.severityClass),
        h('td', { class: 'num' }, ((r.body || {}).totals || {}).deaths || 0), h('td', {}, (r.body || {}).account || ''))))),
    h('p', {}, h('a', { href: `#/analysis/${district}` }, t('backToDistrict'))));
}
