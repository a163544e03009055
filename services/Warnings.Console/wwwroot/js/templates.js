// The template chooser.
// HOOK (templates): the publication list's template RPCs are another change, not yet on main. To wire
// them: listTemplates() calls GET /v1/publication-list/templates?department=&hazard=&level= (ListTemplates)
// and returns its `templates`; choosing one should make the draft with CreateDraftRequest.from_template
// ({templateId}) so the platform fills the placeholders (no copy of that rule here), then load the
// returned draft into the form. Until then the chooser says templates are not available.
import { get } from './api.js';
import { h, mount } from './dom.js';
import { t } from './i18n.js';

export function templateChooser(query, onChoose) {
  const select = h('select', { id: 'f-template' }, h('option', { value: '' }, t('templateNone')));
  const help = h('p', { class: 'help', id: 'f-template-help' });
  select.setAttribute('aria-describedby', 'f-template-help');
  let templates = [];
  select.addEventListener('change', () => {
    const chosen = templates.find((x) => x.id === select.value);
    if (chosen) onChoose(chosen);
  });
  return {
    element: h('div', { class: 'field' }, h('label', { for: 'f-template' }, t('template')), select, help),
    async refresh() {
      templates = await listTemplates(query()).catch(() => null);
      if (templates === null) {
        templates = [];
        help.textContent = t('templatesUnavailable');
      }
      mount(select, h('option', { value: '' }, t('templateNone')), templates.map((x) => h('option', { value: x.id }, x.name || x.id)));
    },
  };
}

// Returns null when the platform has no template API yet.
async function listTemplates() {
  return null;
}

