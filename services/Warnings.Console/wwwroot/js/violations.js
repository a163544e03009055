// Puts each refusal at its field: the list checker's violations (code, field, message) and the
// API's BadRequest field violations, in plain words with the stable code.
import { h } from './dom.js';
import { channelName, t, violationWord } from './i18n.js';

/** The form element id a violation's field belongs to; channels name their own row. */
export function targetOf(field, request) {
  const f = field.replace(/^content\./, '').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const channel = f.match(/^channels\[(\d+)\]/);
  if (channel) return `ch-${request.channels[Number(channel[1])]}`;
  const text = f.match(/^texts\[(\d+)\]\.(headline|description|instruction)/);
  if (text) return `f-${request.languages ? request.languages[Number(text[1])] : 'zh-CN'}-${text[2]}`;
  if (f.startsWith('hazard') || f.startsWith('department')) return 'f-hazard';
  if (f.startsWith('level')) return 'f-level';
  if (f.startsWith('areas') || f.startsWith('districts') || f.startsWith('polygons') || f.startsWith('circles')) return 'f-districts';
  if (f.startsWith('onset')) return 'f-onset';
  if (f.startsWith('expires')) return 'f-expires';
  if (f.startsWith('languages') || f.startsWith('texts')) return 'f-texts';
  if (f.startsWith('contact')) return 'f-contact';
  return 'f-summary';
}

/** Clears every message in the form. */
export function clearViolations(form) {
  for (const box of form.querySelectorAll('.messages')) box.replaceChildren();
  for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
}

/** Shows violations [{code, field, message}] at their fields and in the summary. */
export function showViolations(form, violations, request, target0 = targetOf) {
  clearViolations(form);
  const summary = form.querySelector('#f-summary-messages');
  for (const v of violations) {
    const target = target0(v.field || '', request);
    const box = form.querySelector(`#${CSS.escape(target)}-messages`) || summary;
    const where = target.startsWith('ch-') ? `${channelName(target.slice(3))}：` : '';
    const line = () => h('p', { class: 'violation', dataset: { code: v.code || '', field: v.field || '' } },
      where, violationWord(v.code) || v.message, ' ', h('code', {}, v.code || v.field), violationWord(v.code) ? h('span', { class: 'detail' }, ` ${v.message}`) : null);
    box.append(line());
    if (box !== summary) summary.append(line());
    const control = form.querySelector(`#${CSS.escape(target)}`);
    if (control) control.setAttribute('aria-invalid', 'true');
  }
  return violations.length;
}

/** An ApiError's field violations as violations; its message when it has none. */
export function fromApiError(error) {
  if (error.fields && error.fields.length) {
    return error.fields.map((f) => ({ code: error.reason || 'INVALID_ARGUMENT', field: f.field, message: f.description }));
  }
  return [{ code: error.reason || 'ERROR', field: '', message: error.message }];
}

export const summaryTitle = (ok, version) => (ok ? t('checkOk', version) : t('checkBad', version));
