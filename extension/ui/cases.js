// Case log pieces shared by the popup and the options page: status names and the status picker.
// Text only (textContent / DOM nodes).
import { h } from './dom.js';
import { t } from './i18n.js';

/** Case statuses in the order a case goes through them. */
export const CASE_STATUSES = ['open', 'answered', 'closed', 'reopened'];

const LABELS = {
  open: () => t('caseStatusOpen'),
  answered: () => t('caseStatusAnswered'),
  closed: () => t('caseStatusClosed'),
  reopened: () => t('caseStatusReopened'),
};

/** The status in the UI language. */
export function caseStatusLabel(status) {
  return (LABELS[status] ?? (() => String(status)))();
}

/** A labelled <select> of the statuses; `onChange(status)` when the seller picks one. */
export function caseStatusPicker({ id, value, onChange, label = t('caseStatusLabel') }) {
  const select = h(
    'select',
    { id, class: 'case-status', on: { change: (e) => onChange(e.target.value) } },
    CASE_STATUSES.map((s) => h('option', { value: s, text: caseStatusLabel(s), selected: s === value })),
  );
  return [h('label', { for: id, text: label }), select];
}

/** Today's local date as YYYY-MM-DD (the default "opened on" date). */
export function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
