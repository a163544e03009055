// The district reporter's form: initial report (首报), follow-up (续报), final report (终报/核报)
// and correction, phone first. As counts and place are typed, the platform's dry run
// (POST /v1/incidents:previewReport) gives the severity class, the place check, the deadline and
// what sending would be refused for: the rules stay on the server. Send puts the report in the
// outbox with its request id; online it goes at once, offline when the network returns.
import { get, post } from '../api.js';
import { debounce, h, mount, toast } from '../dom.js';
import { t } from '../i18n.js';
import { serverNow, session } from '../app.js';
import { currentList, districtName } from '../data.js';
import { showViolations } from '../violations.js';
import { isNetworkError } from '../offline.js';
import * as outbox from '../reporting/outbox.js';
import { fields, fill, read, requiredOf, targetOf } from '../reporting/report-form.js';
import { locationMap } from '../reporting/location-map.js';
import { classBadge, contentOf, kindLabel, queuedTotals } from '../reporting/incidents-data.js';

export const name = 'report';

const KINDS = { initial: 'REPORT_KIND_INITIAL', followUp: 'REPORT_KIND_FOLLOW_UP', final: 'REPORT_KIND_FINAL', correct: 'REPORT_KIND_UNSPECIFIED' };
const WHO = 'console-reporter';

// What the form starts from: a new initial report, the incident's current counts, the report to
// correct, or an outbox item to edit.
async function startingPoint(mode, ref, seq) {
  const who = JSON.parse(localStorage.getItem(WHO) || '{}');
  if (mode === 'edit') {
    const entry = await outbox.item(ref);
    return entry && { kind: entry.kind, incidentId: entry.incidentId || '', dependsOn: entry.dependsOn || '', sequence: entry.sequence || 0, body: entry.body, reason: entry.reason || '', replace: entry.localId, error: entry.error };
  }
  if (mode === 'followUp' || mode === 'final' || mode === 'correct') {
    if (ref.startsWith('local-')) return { kind: mode, incidentId: '', dependsOn: ref.slice(6), body: { ...who, totals: await queuedTotals(ref.slice(6)) } };
    const timeline = await get('/v1/incidents:getTimeline', { incidentId: ref });
    if (mode === 'correct') {
      const report = contentOf(timeline, Number(seq));
      return { kind: 'correct', incidentId: ref, sequence: Number(seq), body: report.body || {}, originalKind: report.kind };
    }
    return { kind: mode, incidentId: ref, body: { ...who, totals: timeline.incident.totals || {} }, incident: timeline.incident };
  }
  return { kind: 'initial', incidentId: '', body: { ...who, occurredAt: new Date(serverNow()).toISOString(), totals: {} } };
}

export async function render(main, mode = 'initial', ref = '', seq = '') {
  const [list, start] = await Promise.all([currentList(), startingPoint(mode, ref, seq)]);
  if (!start) {
    location.hash = '#/outbox';
    return undefined;
  }
  const { kind } = start;
  const district = session.district;
  const categories = ((list.reporting || {}).categories || []).filter((c) => c.reportable);
  const required = requiredOf(kind);
  if (start.originalKind === 'REPORT_KIND_FINAL') required.add('signing_official');
  let point = start.body.location || null;
  const touched = new Set();
  let tried = Boolean(start.error);

  const severity = h('p', { id: 'r-severity', 'aria-live': 'polite' });
  const place = h('p', { id: 'r-place-check', 'aria-live': 'polite' });
  const due = h('p', { id: 'r-due' });
  // The judgement first: on a phone it stays in view above the counts being typed.
  const form = h('form', { class: 'report-form', novalidate: true, dataset: { kind } },
    h('aside', { class: 'report-side' },
      h('section', { class: 'check', 'aria-labelledby': 'r-judged' }, h('h2', { id: 'r-judged' }, t('rJudged')), severity, place, due,
        h('div', { id: 'f-summary' }, h('div', { class: 'messages', id: 'f-summary-messages', 'aria-live': 'polite' })))),
    h('div', { class: 'report-main' }, fields(kind, { categories, districtName: districtName(list, district), identity: kind === 'initial' })),
    h('div', { class: 'actions report-actions' }, h('button', { type: 'submit', class: 'primary', id: 'r-send' }, t('rSend')), h('a', { href: '#/incidents' }, t('cancel'))));
  const subject = start.incident ? `${start.incident.id}` : start.dependsOn ? t('rQueuedIncident') : start.incidentId;
  mount(main, h('h1', {}, kindLabel(kind), subject ? h('span', { class: 'muted' }, ` · ${subject}`) : null),
    h('p', { class: 'muted' }, t('rRequiredNote')), form);
  fill(form, start.body, start.reason);
  for (const name of required) form.querySelector(`#r-${name}`)?.setAttribute('required', '');

  const locationText = form.querySelector('#r-location-text');
  const showLocation = () => {
    locationText.textContent = point ? `${point.latitude.toFixed(5)}, ${point.longitude.toFixed(5)}` : t('rNoLocation');
  };
  showLocation();

  const request = () => ({ kind: KINDS[kind], incidentId: start.incidentId, corrects: start.sequence || 0, body: read(form, district, point), reason: form.querySelector('#r-reason')?.value.trim() || '' });
  const show = (problems) => showViolations(form, problems.filter((p) => tried || touched.has(targetOf(p.field || ''))), {}, (f) => targetOf(f));

  const judge = async () => {
    if (start.dependsOn && !start.incidentId) {
      severity.replaceChildren(t('rWaitsForInitial'));
      form.dataset.ready = 'true';
      return;
    }
    form.dataset.previewing = 'true';
    try {
      const preview = await post('/v1/incidents:previewReport', request());
      form.dataset.severity = preview.severityClass;
      severity.replaceChildren(...[t('rClass'), ' ', classBadge(preview.severityClass),
        preview.escalates ? h('strong', { class: 'escalates' }, ` ${t('rEscalates', preview.highestSeverityClass || '')}`) : null,
        preview.directToMunicipal ? h('strong', { class: 'escalates' }, ` ${t('rDirect')}`) : null].filter(Boolean));
      place.replaceChildren(placeText(preview.place || {}, districtName(list, district), (code) => districtName(list, code)));
      place.className = preview.place && preview.place.located && !(preview.place.inCity && preview.place.nearDistrict) ? 'bad' : '';
      due.replaceChildren(preview.dueLocal ? t(preview.late ? 'rDueLate' : 'rDue', preview.dueLocal) : '');
      due.className = preview.late ? 'late' : '';
      show((preview.problems || []).map((p) => ({ code: p.reason, field: p.field, message: p.description })));
      form.dataset.acceptable = String(Boolean(preview.acceptable));
    } catch (error) {
      if (!isNetworkError(error)) throw error;
      severity.replaceChildren(h('span', { class: 'offline' }, t('rOfflineJudge')));
      form.dataset.severity = '';
    } finally {
      form.dataset.previewing = 'false';
      form.dataset.ready = 'true';
    }
  };
  const later = debounce(judge, 350);
  form.addEventListener('input', (event) => {
    if (event.target.id) touched.add(event.target.id);
    later();
  });
  form.addEventListener('change', later);

  const pick = (picked) => {
    point = picked;
    touched.add('r-location');
    showLocation();
    judge();
  };
  form.querySelector('#r-locate').addEventListener('click', () => {
    if (!navigator.geolocation) return toast(t('rNoGeolocation'), 'error');
    return navigator.geolocation.getCurrentPosition((p) => {
      pick({ latitude: Number(p.coords.latitude.toFixed(6)), longitude: Number(p.coords.longitude.toFixed(6)) });
      widget?.set(point);
    }, (e) => toast(`${t('rNoGeolocation')} (${e.message})`, 'error'), { enableHighAccuracy: true, timeout: 15000 });
  });
  form.querySelector('#r-unlocate').addEventListener('click', () => pick(null) || widget?.set(null));
  let widget = null;
  locationMap(form.querySelector('#r-map-slot'), district, point, pick).then((w) => { widget = w; }, () => {});

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    tried = true;
    const r = request();
    localStorage.setItem(WHO, JSON.stringify({ reportingUnit: r.body.reportingUnit, reporter: r.body.reporter }));
    const label = `${kindLabel(kind)} · ${start.incident ? start.incident.id : start.dependsOn ? t('rQueuedIncident') : start.incidentId || r.body.address || ''}`;
    const entry = { kind, incidentId: start.incidentId, dependsOn: start.dependsOn || '', sequence: start.sequence || 0, reason: r.reason, body: r.body, label };
    const requestId = await outbox.enqueue(entry, start.replace || '');
    await outbox.flush();
    const now = (await outbox.items()).find((i) => i.requestId === requestId);
    if (!now) {
      toast(t('rAccepted'));
      location.hash = '#/incidents';
    } else if (now.state === 'parked') {
      // Refused at once: the clerk corrects it here; sending again replaces it (new request id).
      start.replace = now.localId;
      showViolations(form, (now.error.fields.length ? now.error.fields.map((f) => ({ code: now.error.reason, field: f.field, message: f.description }))
        : [{ code: now.error.reason, field: '', message: now.error.message }]), {}, (f) => targetOf(f));
      form.dataset.refused = now.error.reason || 'true';
    } else {
      toast(t('rQueued'));
      location.hash = '#/outbox';
    }
  });

  if (start.error) {
    showViolations(form, (start.error.fields || []).length ? start.error.fields.map((f) => ({ code: start.error.reason, field: f.field, message: f.description }))
      : [{ code: start.error.reason, field: '', message: start.error.message }], {}, (f) => targetOf(f));
  }
  await judge();
  return undefined;
}

function placeText(p, own, nameOf) {
  if (!p.located) return t('rPlaceNone');
  if (!p.inCity) return t(p.nearDistrict ? 'rPlaceNearOutside' : 'rPlaceOutside');
  if (p.districtAt && !p.distanceKm) return t('rPlaceIn', nameOf(p.districtAt));
  return t(p.nearDistrict ? 'rPlaceNear' : 'rPlaceFar', nameOf(p.districtAt), own, p.distanceKm || 0, p.farKm);
}
