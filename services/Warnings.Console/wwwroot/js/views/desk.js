// The desk: the department's warnings, newest first, and where to go next.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { hasRole, session } from '../app.js';
import { allWarnings, currentList, warningTable } from '../data.js';

export const name = 'desk';

export async function render(main) {
  if (!hasRole('duty_officer', 'approver')) {
    location.hash = hasRole('list_admin') ? '#/list' : hasRole('district_reporter') ? '#/incidents' : '#/ops';
    return undefined;
  }
  const [list, warnings] = await Promise.all([currentList(), allWarnings({ department: session.department, newestFirst: true })]);
  mount(main,
    h('h1', {}, t('myWarnings')),
    hasRole('duty_officer') ? h('p', {}, h('a', { class: 'button', href: '#/new' }, t('navNew'))) : null,
    warningTable(list, warnings));
  return undefined;
}
