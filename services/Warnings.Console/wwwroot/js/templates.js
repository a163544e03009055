// The template chooser: the department's standard texts (工作规范) for the chosen hazard, from the
// publication list (GET /v1/publication-list/templates). Choosing one sets its level and shows its
// texts; the draft is then made with CreateDraftRequest.from_template, so the platform fills the
// placeholders ({districts}, {onset}, {measures}…): the console has no copy of that rule.
import { get } from './api.js';
import { h, mount } from './dom.js';
import { levelName, t } from './i18n.js';

export function templateChooser(query, onChoose) {
  const select = h('select', { id: 'f-template' }, h('option', { value: '' }, t('templateNone')));
  const help = h('p', { class: 'help', id: 'f-template-help' }, t('templateHelp'));
  select.setAttribute('aria-describedby', 'f-template-help');
  let templates = [];
  let shownFor = null;
  select.addEventListener('change', () => {
    const chosen = templates.find((x) => x.id === select.value);
    if (chosen) onChoose(chosen);
  });
  return {
    element: h('div', { class: 'field' }, h('label', { for: 'f-template' }, t('template')), select, help),
    async refresh() {
      const q = query();
      const key = `${q.department}/${q.hazard}`;
      if (key === shownFor) return;
      shownFor = key;
      const response = await get('/v1/publication-list/templates', { department: q.department, hazard: q.hazard, pageSize: 100 });
      templates = response.templates || [];
      const chosen = select.value;
      mount(select, h('option', { value: '' }, t('templateNone')), templates.map((x) => {
        const zh = (x.texts || []).find((y) => y.language === 'zh-CN') || {};
        return h('option', { value: x.id, selected: x.id === chosen }, `${levelName(x.level || '')} · ${zh.headline || x.id} (${x.id})`);
      }));
    },
  };
}
