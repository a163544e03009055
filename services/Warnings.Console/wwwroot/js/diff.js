// What changed between two versions of a warning's content, in words people read.
import { channelName, levelName } from './i18n.js';
import { show } from './time.js';

const list = (xs) => (xs || []).join(', ');

export function differences(before, after) {
  const a = before || {};
  const b = after || {};
  const out = [];
  const same = (x, y) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  if (!before) return [`${levelName(b.level || '')} · ${list(b.districts)} · ${show(b.onsetAt)} – ${show(b.expiresAt)}`];
  if (!same(a.level, b.level)) out.push(`level: ${levelName(a.level || '')} → ${levelName(b.level || '')}`);
  if (!same(a.districts, b.districts)) out.push(`districts: ${list(a.districts)} → ${list(b.districts)}`);
  if (!same(a.polygons, b.polygons) || !same(a.circles, b.circles)) out.push('areas drawn: changed');
  if (!same(a.onsetAt, b.onsetAt)) out.push(`onset: ${show(a.onsetAt)} → ${show(b.onsetAt)}`);
  if (!same(a.expiresAt, b.expiresAt)) out.push(`expiry: ${show(a.expiresAt)} → ${show(b.expiresAt)}`);
  const added = (b.channels || []).filter((c) => !(a.channels || []).includes(c));
  const removed = (a.channels || []).filter((c) => !(b.channels || []).includes(c));
  if (added.length) out.push(`+ ${added.map(channelName).join(', ')}`);
  if (removed.length) out.push(`− ${removed.map(channelName).join(', ')}`);
  for (const t of b.texts || []) {
    const old = (a.texts || []).find((x) => x.language === t.language) || {};
    for (const k of ['headline', 'description', 'instruction']) {
      if ((old[k] || '') !== (t[k] || '')) out.push(`${t.language} ${k}: “${old[k] || ''}” → “${t[k] || ''}”`);
    }
  }
  return out.length ? out : ['='];
}
