// The grant editor: every field of a grant, a preview of the change against the grant as it is,
// a reason, and the platform's own validation shown at each field.
import { field, h, mount } from './dom.js';
import { channelName, levelName, t } from './i18n.js';
import { showViolations } from './violations.js';

const LEVELS = ['blue', 'yellow', 'orange', 'red', ''];
const POLICIES = ['SIGN_OFF_POLICY_MAKER_REVIEWER', 'SIGN_OFF_POLICY_LEADER'];

export function grantEditor(list, grant, actions) {
  const g = structuredClone(grant || { id: '', department: '', hazard: '', levels: [], areas: ['310000'], status: 'GRANT_STATUS_ACTIVE', requiredLanguages: ['zh-CN'] });
  const id = h('input', { type: 'text', value: g.id, readonly: Boolean(grant), pattern: '[a-z0-9._-]{1,64}' });
  const department = h('select', {}, (list.departments || []).map((d) => h('option', { value: d.code, selected: d.code === g.department }, `${d.code} ${d.name}`)));
  const hazard = h('select', {}, (list.hazards || []).map((x) => h('option', { value: x.code, selected: x.code === g.hazard }, x.name)));
  const areas = h('input', { type: 'text', value: (g.areas || []).join(' ') });
  const municipal = h('input', { type: 'checkbox', checked: Boolean(g.networkSmsNeedsMunicipalApproval) });
  const fast = h('input', { type: 'checkbox', checked: Boolean(g.fastTrackAllowed) });
  const fastMinutes = h('input', { type: 'number', min: 0, value: g.fastTrackSignOffWithinMinutes || 0 });
  const validity = h('input', { type: 'number', min: 0, value: g.maxValidityHours || 0 });
  const languages = h('input', { type: 'text', value: (g.requiredLanguages || []).join(' ') });
  const reason = h('input', { type: 'text', required: true });
  const diffBox = h('div', { id: 'grant-diff', 'aria-live': 'polite' });
  const levelRows = LEVELS.map((level) => {
    const rule = (g.levels || []).find((l) => (l.level || '') === level);
    const on = h('input', { type: 'checkbox', checked: Boolean(rule), dataset: { level } });
    const channels = (list.channels || []).map((c) => h('label', { class: 'chip' },
      h('input', { type: 'checkbox', value: c, checked: Boolean(rule && (rule.channels || []).includes(c)), dataset: { level, channel: c } }), ` ${channelName(c)}`));
    const policy = h('select', { 'aria-label': `${levelName(level)} ${t('signOffPolicy')}` }, POLICIES.map((p) => h('option', { value: p, selected: rule && rule.signOff === p }, p.replace('SIGN_OFF_POLICY_', ''))));
    const measures = h('input', { type: 'text', 'aria-label': `${levelName(level)} ${t('measures')}`, value: ((rule || {}).responseMeasures || []).join(' ') });
    return { level, on, channels, policy, measures,
      row: h('fieldset', { class: 'level-rule', id: `g-level-${level || 'none'}` }, h('legend', {}, h('label', {}, on, ` ${levelName(level)}`)),
        h('div', { class: 'chips' }, channels), h('div', { class: 'row' }, policy, measures), h('div', { class: 'messages', id: `g-level-${level || 'none'}-messages` })) };
  });
  const words = (input) => input.value.split(/[\s,]+/).filter(Boolean);

  function read() {
    return {
      ...g, id: id.value.trim(), department: department.value, hazard: hazard.value, areas: words(areas),
      networkSmsNeedsMunicipalApproval: municipal.checked, fastTrackAllowed: fast.checked, fastTrackSignOffWithinMinutes: Number(fastMinutes.value) || 0,
      maxValidityHours: Number(validity.value) || 0, requiredLanguages: words(languages),
      levels: levelRows.filter((r) => r.on.checked).map((r) => ({ level: r.level, channels: r.channels.map((c) => c.querySelector('input')).filter((x) => x.checked).map((x) => x.value),
        signOff: r.policy.value, responseMeasures: words(r.measures) })),
    };
  }

  const form = h('form', { class: 'grant-editor', novalidate: true, onsubmit: (e) => e.preventDefault() },
    h('h2', {}, grant ? `${t('edit')} · ${grant.id}` : t('newGrant')),
    h('div', { class: 'messages', id: 'f-summary-messages' }),
    h('div', { class: 'row' }, field('g-id', t('grantId'), id), field('g-department', t('department'), department), field('g-hazard', t('hazard'), hazard)),
    levelRows.map((r) => r.row),
    h('div', { class: 'row' }, field('g-areas', t('areas'), areas), field('g-languages', t('languages'), languages)),
    h('div', { class: 'row' }, h('label', {}, municipal, ` ${t('municipalSms')}`), h('label', {}, fast, ` ${t('fastTrackAllowed')}`),
      field('g-fast-minutes', t('fastTrackMinutes'), fastMinutes), field('g-validity', t('maxValidity'), validity)),
    h('button', { type: 'button', id: 'preview-change', onclick: () => mount(diffBox, h('ul', { class: 'diff' }, grantDiff(grant, read()).map((d) => h('li', {}, d)))) }, t('previewChange')),
    diffBox,
    field('g-reason', t('reason'), reason),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'save-grant', onclick: () => go(() => actions.save(read(), reason.value.trim())) }, t('saveGrant')),
      grant ? h('button', { type: 'button', id: 'suspend-grant', onclick: () => go(() => actions.suspend(grant.id, reason.value.trim())) }, t('suspend')) : null,
      grant ? h('button', { type: 'button', class: 'danger', id: 'retire-grant', onclick: () => go(() => actions.retire(grant.id, reason.value.trim())) }, t('retire')) : null));

  async function go(action) {
    if (!reason.value.trim()) {
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    const violations = await action();
    if (violations.length) showViolations(form, violations, {}, (f) => grantTarget(f, read()));
  }

  return form;
}

// The API names grant fields (grant.levels[3].channels[0], grant.max_validity_hours…): the editor's field for each.
function grantTarget(field, edited) {
  const f = field.replace(/^grant\./, '').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const level = f.match(/^levels\[(\d+)\]/);
  if (level) return `g-level-${(edited.levels[Number(level[1])] || {}).level || 'none'}`;
  const ids = { id: 'g-id', department: 'g-department', hazard: 'g-hazard', areas: 'g-areas', required_languages: 'g-languages',
    max_validity_hours: 'g-validity', fast_track_sign_off_within_minutes: 'g-fast-minutes', reason: 'g-reason' };
  const key = Object.keys(ids).find((k) => f.startsWith(k));
  return key ? ids[key] : 'f-summary';
}

export function grantDiff(before, after) {
  if (!before) return [`+ ${after.id}`];
  const out = [];
  for (const key of ['department', 'hazard', 'areas', 'networkSmsNeedsMunicipalApproval', 'fastTrackAllowed', 'fastTrackSignOffWithinMinutes', 'maxValidityHours', 'requiredLanguages']) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) out.push(`${key}: ${JSON.stringify(before[key] ?? '')} → ${JSON.stringify(after[key] ?? '')}`);
  }
  for (const level of LEVELS) {
    const a = (before.levels || []).find((l) => (l.level || '') === level);
    const b = (after.levels || []).find((l) => (l.level || '') === level);
    if (!a && b) out.push(`+ ${levelName(level)}`);
    if (a && !b) out.push(`− ${levelName(level)}`);
    if (a && b) {
      const added = (b.channels || []).filter((c) => !(a.channels || []).includes(c));
      const removed = (a.channels || []).filter((c) => !(b.channels || []).includes(c));
      if (added.length) out.push(`${levelName(level)}: + ${added.map(channelName).join(', ')}`);
      if (removed.length) out.push(`${levelName(level)}: − ${removed.map(channelName).join(', ')}`);
      if (a.signOff !== b.signOff) out.push(`${levelName(level)}: ${a.signOff} → ${b.signOff}`);
      if (JSON.stringify(a.responseMeasures || []) !== JSON.stringify(b.responseMeasures || [])) out.push(`${levelName(level)}: measures`);
    }
  }
  return out.length ? out : ['='];
}
