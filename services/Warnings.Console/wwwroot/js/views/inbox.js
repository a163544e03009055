// What waits for me: review, leader sign-off, municipal approval of network-wide SMS, fast-track
// sign-offs with their countdown, and (duty officers) what is ready to publish. Four-eyes shows:
// my own warnings say that someone else must act.
import { post, requestId } from '../api.js';
import { h, mount, toast } from '../dom.js';
import { levelName, t } from '../i18n.js';
import { hasRole, serverNow, session } from '../app.js';
import { allWarnings, currentList, hazardName } from '../data.js';
import { countdown, show } from '../time.js';

export const name = 'inbox';

const headline = (w) => (((w.content || {}).texts || []).find((x) => x.language === 'zh-CN') || {}).headline || w.id;

export async function render(main) {
  const timers = [];
  async function draw() {
    const list = await currentList();
    // Read newest first (a long history is not read to reach today's), shown oldest first: a queue.
    const mine = (await allWarnings({ department: session.department, newestFirst: true, states: ['WARNING_STATE_SUBMITTED', 'WARNING_STATE_REVIEWED', 'WARNING_STATE_SIGNED_OFF', 'WARNING_STATE_PUBLISHED'] })).reverse();
    const policies = new Map(await Promise.all(mine.filter((w) => w.state === 'WARNING_STATE_REVIEWED').map(async (w) => [w.id, await policyOf(w)])));
    const review = mine.filter((w) => w.state === 'WARNING_STATE_SUBMITTED');
    const signOff = mine.filter((w) => w.state === 'WARNING_STATE_REVIEWED' && policies.get(w.id) === 'SIGN_OFF_POLICY_LEADER');
    const fastTrack = mine.filter((w) => w.state === 'WARNING_STATE_PUBLISHED' && w.fastTrack && !w.signedOffBy);
    const ready = mine.filter((w) => w.state === 'WARNING_STATE_SIGNED_OFF' || (w.state === 'WARNING_STATE_REVIEWED' && policies.get(w.id) !== 'SIGN_OFF_POLICY_LEADER'));
    const municipal = hasRole('approver')
      ? (await allWarnings({ newestFirst: true, states: ['WARNING_STATE_REVIEWED', 'WARNING_STATE_SIGNED_OFF'] })).reverse()
        .filter((w) => ((w.content || {}).channels || []).includes('network_sms') && !w.municipalApprovedBy)
      : [];

    const item = (w, ...buttons) => {
      const own = w.maker === session.id;
      return h('li', { class: 'item', dataset: { warning: w.id } },
        h('div', { class: 'item-head' },
          h('a', { href: `#/warning/${w.id}` }, headline(w)),
          h('span', { class: `level ${(w.content || {}).level || 'none'}` }, levelName((w.content || {}).level || '')),
          h('span', {}, hazardName(list, (w.content || {}).hazard)),
          h('span', { class: 'muted' }, `${t('maker')}: ${w.maker} · ${show(w.updatedAt)}`)),
        own ? h('p', { class: 'four-eyes' }, t('fourEyes')) : h('div', { class: 'item-actions' }, buttons.map((b) => b(w))));
    };
    const section = (key, items) => h('section', { class: 'inbox-section', dataset: { section: key } },
      h('h2', {}, `${t(key)} (${items.length})`), items.length ? h('ul', { class: 'items' }, items) : h('p', { class: 'muted' }, t('nothingWaits')));

    const reviewButtons = (w) => {
      const comment = h('input', { type: 'text', id: `comment-${w.id}`, 'aria-label': t('comment'), placeholder: t('comment') });
      return h('span', { class: 'review' },
        h('button', { type: 'button', class: 'primary', dataset: { action: 'approve' }, onclick: () => act('review', { warningId: w.id, approve: true, comment: comment.value }) }, t('approve')),
        comment,
        h('button', { type: 'button', dataset: { action: 'send-back' }, onclick: () => act('review', { warningId: w.id, approve: false, comment: comment.value }) }, t('sendBack')));
    };
    const signOffButton = (w) => h('button', { type: 'button', class: 'primary', dataset: { action: 'sign-off' }, onclick: () => act('signOff', { warningId: w.id }) }, t('signOff'));
    const municipalButton = (w) => h('button', { type: 'button', dataset: { action: 'approve-sms' }, onclick: () => act('approveNetworkSms', { warningId: w.id }) }, t('approveSms'));
    const due = (w) => {
      const clock = h('span', { class: 'countdown', role: 'timer' });
      const tick = () => {
        const c = countdown(w.signOffDueAt, serverNow());
        clock.textContent = c.late ? `${t('overdue')} ${c.text}` : t('dueIn', c.text);
        clock.classList.toggle('late', c.late);
      };
      tick();
      timers.push(setInterval(tick, 1000));
      return clock;
    };

    mount(main, h('h1', {}, t('inbox')),
      h('div', { class: 'inbox' },
        section('waitReview', review.map((w) => item(w, reviewButtons))),
        hasRole('approver') ? section('waitSignOff', signOff.map((w) => item(w, signOffButton))) : null,
        hasRole('approver') ? section('waitMunicipal', municipal.map((w) => item(w, municipalButton))) : null,
        section('waitFastTrack', fastTrack.map((w) => item(w, due, hasRole('approver') ? signOffButton : () => null))),
        hasRole('duty_officer') ? section('waitPublish', ready.map((w) => h('li', { class: 'item', dataset: { warning: w.id } },
          h('a', { href: `#/warning/${w.id}` }, headline(w)), ' ', h('span', { class: 'muted' }, t('publish'))))) : null));
  }

  async function act(step, body) {
    try {
      await post(`/v1/warnings:${step}`, { requestId: requestId(), ...body });
      toast(`${t('confirm')} ✓`);
    } catch (e) {
      toast(`${t('refused')}: ${e.message} (${e.reason})`, 'error');
    }
    timers.splice(0).forEach(clearInterval);
    await draw();
  }

  await draw();
  return () => timers.forEach(clearInterval);
}

// Whether a reviewed warning still needs a leader: the list's answer for its content.
async function policyOf(w) {
  const c = w.content || {};
  const result = await post('/v1/publication-list:check', { department: w.department, hazard: c.hazard, level: c.level, areas: c.districts,
    channels: c.channels, onsetAt: c.onsetAt, expiresAt: c.expiresAt, languages: (c.texts || []).map((x) => x.language) });
  return result.signOffPolicy;
}
