// The report form's fields (ReportBody of incidents.proto): built for a kind of report, filled
// from a starting body, read back into a body. Element ids are the API's field names (r-deaths for
// body.totals.deaths), so a refusal finds its field by name.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { fromLocal, toLocal } from '../time.js';

export const COUNTS = ['deaths', 'missing', 'seriously_injured', 'trapped', 'affected_population', 'relocated', 'houses_collapsed', 'houses_damaged', 'crop_area_hectares', 'direct_loss_yuan'];
const TEXTS = ['enterprise', 'reporting_unit', 'reporter', 'signing_official', 'account', 'measures', 'trend', 'requests_for_help', 'count_change_reason'];
const LONG = new Set(['account', 'measures', 'trend', 'requests_for_help', 'count_change_reason']);
const camel = (snake) => snake.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** What each kind must carry (ReportRules.CheckRequired), marked on the form. */
export function requiredOf(kind) {
  const required = new Set(['account']);
  if (kind === 'initial') ['category', 'occurred_at', 'reporting_unit', 'reporter', 'address'].forEach((f) => required.add(f));
  if (kind === 'final') required.add('signing_official');
  if (kind === 'correct') required.add('reason');
  return required;
}

/** The element id a refusal's field belongs to: body.totals.deaths → r-deaths. */
export function targetOf(field) {
  const name = field.replace(/^body\./, '').replace(/^totals\./, '').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase().replace(/\[.*$/, '');
  return name ? `r-${name.split('.')[0]}` : 'f-summary';
}

function labelled(name, control, required, help) {
  const id = `r-${name}`;
  control.id = id;
  control.name = name;
  if (required) control.setAttribute('aria-required', 'true');
  const messages = h('div', { class: 'messages', id: `${id}-messages`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', `${id}-messages${help ? ` ${id}-help` : ''}`);
  return h('div', { class: `field${required ? ' required' : ''}`, dataset: { field: id } },
    h('label', { for: id }, t(`r_${name}`), required ? h('span', { class: 'req', title: t('rRequired') }, ' *') : null),
    control, help ? h('p', { class: 'help', id: `${id}-help` }, help) : null, messages);
}

/**
 * The fields for kind (initial, followUp, final, correct) as a fragment list, given the list's
 * reportable categories [{code, name}], the district's name and whether identity fields
 * (category, time, district) are the incident's already.
 */
export function fields(kind, { categories, districtName, identity }) {
  const required = requiredOf(kind);
  const opening = kind === 'initial' || (kind === 'correct' && identity);
  const text = (name) => (LONG.has(name) ? h('textarea', { rows: name === 'account' ? 4 : 2, maxlength: 2000 }) : h('input', { type: 'text', maxlength: 200 }));
  return [
    opening ? h('fieldset', {}, h('legend', {}, t('rWhat')),
      labelled('category', h('select', {}, h('option', { value: '' }, t('rChoose')), categories.map((c) => h('option', { value: c.code }, c.name || c.code))), required.has('category')),
      labelled('occurred_at', h('input', { type: 'datetime-local' }), required.has('occurred_at'), t('rShanghaiTime')),
      h('p', { class: 'muted', id: 'r-district' }, `${t('rDistrict')}：${districtName}`)) : null,
    h('fieldset', { id: 'r-totals' }, h('legend', {}, t('rCounts')), h('div', { class: 'messages', id: 'r-totals-messages', 'aria-live': 'polite' }),
      h('div', { class: 'counts' }, COUNTS.map((name) => labelled(name, h('input', { type: 'number', min: 0, step: name === 'crop_area_hectares' ? 'any' : 1, inputmode: name === 'crop_area_hectares' ? 'decimal' : 'numeric' }), false)))),
    h('fieldset', { id: 'r-place' }, h('legend', {}, t('rWhere')),
      labelled('address', h('input', { type: 'text', maxlength: 200 }), required.has('address'), t('rAddressHelp')),
      h('div', { class: 'field', id: 'r-location', tabindex: -1 },
        h('span', { class: 'label' }, t('r_location')),
        h('div', { class: 'actions' }, h('button', { type: 'button', id: 'r-locate' }, t('rLocate')), h('button', { type: 'button', id: 'r-unlocate' }, t('rClearLocation'))),
        h('p', { class: 'help', id: 'r-location-text', 'aria-live': 'polite' }),
        h('div', { id: 'r-map-slot' }),
        h('div', { class: 'messages', id: 'r-location-messages', 'aria-live': 'polite' })),
      labelled('enterprise', text('enterprise'), false)),
    h('fieldset', {}, h('legend', {}, t('rAccountLegend')),
      ['account', 'measures', 'trend', 'requests_for_help', 'count_change_reason'].map((name) => labelled(name, text(name), required.has(name), name === 'count_change_reason' ? t('rChangeReasonHelp') : null))),
    h('fieldset', {}, h('legend', {}, t('rWho')),
      ['reporting_unit', 'reporter', 'signing_official'].map((name) => labelled(name, text(name), required.has(name)))),
    kind === 'correct' ? labelled('reason', h('textarea', { rows: 2, maxlength: 2000 }), true) : null,
  ];
}

/** Puts body (the API's JSON, camelCase) into the form. */
export function fill(form, body = {}, reason = '') {
  const set = (name, value) => {
    const element = form.querySelector(`#r-${name}`);
    if (element && value !== undefined && value !== null) element.value = value;
  };
  set('category', body.category);
  if (body.occurredAt) set('occurred_at', toLocal(body.occurredAt));
  set('address', body.address);
  for (const name of TEXTS) set(name, body[camel(name)]);
  for (const name of COUNTS) set(name, (body.totals || {})[camel(name)] ?? 0);
  set('reason', reason);
}

/** The body the form says (identity fields only where the form has them); location as given. */
export function read(form, district, location) {
  const value = (name) => form.querySelector(`#r-${name}`)?.value ?? '';
  const body = { district, address: value('address').trim(), totals: {} };
  if (form.querySelector('#r-category')) body.category = value('category');
  if (value('occurred_at')) body.occurredAt = fromLocal(value('occurred_at'));
  for (const name of TEXTS) body[camel(name)] = value(name).trim();
  for (const name of COUNTS) {
    const n = Number(value(name) || 0);
    body.totals[camel(name)] = name === 'direct_loss_yuan' ? String(Math.trunc(n)) : name === 'crop_area_hectares' ? n : Math.trunc(n);
  }
  if (location) body.location = location;
  return body;
}
