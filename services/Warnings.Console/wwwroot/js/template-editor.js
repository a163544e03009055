// The template editor (list admin): a department's standard text for one hazard and level, in
// zh-CN and English, with its placeholders; saved with a reason as a new list version, or retired.
import { field, h, mount } from './dom.js';
import { levelName, t } from './i18n.js';
import { showViolations } from './violations.js';

const LANGS = ['zh-CN', 'en'];
const LEVELS = ['blue', 'yellow', 'orange', 'red', ''];

/** A table of templates; onEdit(template or null). */
export function templateTable(list, onEdit) {
  const templates = list.templates || [];
  return h('div', {},
    h('p', {}, h('button', { type: 'button', id: 'new-template', onclick: () => onEdit(null) }, t('newTemplate'))),
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['id', t('department'), t('hazard'), t('level'), t('headline'), t('status'), ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, templates.map((x) => h('tr', { dataset: { template: x.id } },
        h('td', {}, x.id), h('td', {}, x.department), h('td', {}, x.hazard), h('td', {}, levelName(x.level || '')),
        h('td', {}, ((x.texts || []).find((y) => y.language === 'zh-CN') || {}).headline || ''),
        h('td', {}, x.status === 'TEMPLATE_STATUS_RETIRED' ? t('retire') : '✓'),
        h('td', {}, h('button', { type: 'button', dataset: { editTemplate: x.id }, onclick: () => onEdit(x) }, t('edit'))))))));
}

export function templateEditor(list, template, actions) {
  const x = template || { id: '', department: '', hazard: '', level: '', texts: [] };
  const id = h('input', { type: 'text', value: x.id, readonly: Boolean(template) });
  const department = h('select', {}, (list.departments || []).map((d) => h('option', { value: d.code, selected: d.code === x.department }, `${d.code} ${d.name}`)));
  const hazard = h('select', {}, (list.hazards || []).map((d) => h('option', { value: d.code, selected: d.code === x.hazard }, d.name)));
  const level = h('select', {}, LEVELS.map((l) => h('option', { value: l, selected: l === (x.level || '') }, levelName(l))));
  const texts = Object.fromEntries(LANGS.map((l) => {
    const given = (x.texts || []).find((y) => y.language === l) || {};
    return [l, {
      headline: h('input', { type: 'text', value: given.headline || '', lang: l }),
      description: h('textarea', { rows: 4, lang: l }, given.description || ''),
      instruction: h('textarea', { rows: 4, lang: l }, given.instruction || ''),
    }];
  }));
  const reason = h('input', { type: 'text', required: true });
  const read = () => ({
    id: id.value.trim(), department: department.value, hazard: hazard.value, level: level.value,
    texts: LANGS.map((l) => ({ language: l, headline: texts[l].headline.value, description: texts[l].description.value, instruction: texts[l].instruction.value })),
  });
  const form = h('form', { class: 'template-editor', novalidate: true, onsubmit: (e) => e.preventDefault() },
    h('h2', {}, template ? `${t('edit')} · ${template.id}` : t('newTemplate')),
    h('p', { class: 'help' }, t('placeholders')),
    h('div', { class: 'messages', id: 'f-summary-messages' }),
    h('div', { class: 'row' }, field('t-id', t('templateId'), id), field('t-department', t('department'), department),
      field('t-hazard', t('hazard'), hazard), field('t-level', t('level'), level)),
    h('div', { class: 'row' }, LANGS.map((l) => h('div', { class: 'lang-col', lang: l },
      h('h3', {}, l === 'zh-CN' ? t('textZh') : t('textEn')),
      field(`t-${l}-headline`, t('headline'), texts[l].headline),
      field(`t-${l}-description`, t('description'), texts[l].description),
      field(`t-${l}-instruction`, t('instruction'), texts[l].instruction)))),
    field('t-reason', t('reason'), reason),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'save-template', onclick: () => go(() => actions.save(read(), reason.value.trim())) }, t('save')),
      template ? h('button', { type: 'button', class: 'danger', id: 'retire-template', onclick: () => go(() => actions.retire(template.id, reason.value.trim())) }, t('retire')) : null));

  async function go(action) {
    if (!reason.value.trim()) {
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    const violations = await action();
    if (violations.length) showViolations(form, violations, {}, (f) => templateTarget(f));
  }

  return form;
}

// template.texts[1].headline -> t-en-headline (texts are sent zh-CN first, then en).
function templateTarget(f) {
  const g = f.replace(/^template\./, '').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const text = g.match(/^texts\[(\d+)\]\.(headline|description|instruction)/);
  if (text) return `t-${LANGS[Number(text[1])] || 'zh-CN'}-${text[2]}`;
  const key = ['id', 'department', 'hazard', 'level', 'reason'].find((k) => g.startsWith(k));
  return key ? `t-${key}` : 'f-summary';
}
