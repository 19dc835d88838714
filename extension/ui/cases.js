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

/**
 * The "enter a case" form: case ID, opened date (today by default) and whether the case was
 * opened through Brand Registry (its page is there, not in Seller Central). `ids` names the
 * form, the two inputs, the button and the hint (the popup and the options dialog use their
 * own); `onSubmit({id, opened, brand_registry}, form)` runs on submit (the default submit is
 * prevented).
 */
export function caseAddForm(ids, onSubmit) {
  const id = h('input', { id: ids.id, type: 'text', inputMode: 'numeric', autocomplete: 'off', spellcheck: false, attrs: { 'aria-describedby': ids.hint } });
  const opened = h('input', { id: ids.opened, type: 'date', value: localToday(), required: true });
  const brId = `${ids.id}-brand-registry`;
  const br = h('input', { id: brId, type: 'checkbox', class: 'case-brand-registry', attrs: { 'aria-describedby': `${brId}-hint` } });
  const form = h(
    'form',
    { id: ids.form, class: 'case-form' },
    h('label', { for: ids.id, text: t('caseIdLabel') }),
    id,
    h('label', { for: ids.opened, text: t('caseOpenedLabel') }),
    opened,
    h('label', { for: brId, class: 'checkbox-label' }, br, document.createTextNode(` ${t('caseBrandRegistry')}`)),
    h('p', { class: 'hint', id: `${brId}-hint`, text: t('caseBrandRegistryHint') }),
    h('button', { type: 'submit', class: 'btn btn-small', id: ids.button, text: t('caseAdd') }),
    h('p', { class: 'hint', id: ids.hint, text: t('caseAddHint') }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onSubmit({ id: id.value, opened: opened.value, brand_registry: br.checked, input: id }, form);
  });
  return form;
}
