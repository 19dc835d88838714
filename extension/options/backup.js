// Options page, "Export and import": the export file (listings, settings, histories, case
// logs, deletions; screenshots when asked) and importing one (preview, then merge or replace).
import { t } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { $, state, errorText, notify, countOf, hooks } from './common.js';
import { exportFile, prepareImport } from './file-transfer.js';

/** While `task` runs, the button says "Working…" and cannot be pressed again. */
async function busy(button, task) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = t('working');
  try {
    return await task();
  } finally {
    button.textContent = label;
    button.removeAttribute('aria-busy');
    button.disabled = false;
  }
}

/** The import panel saying it is at work (reading the file, or merging it). */
function working(panel) {
  panel.setAttribute('aria-busy', 'true');
  return h('p', { class: 'hint', id: 'import-working', attrs: { role: 'status' }, text: t('working') });
}

export async function doExport() {
  const button = $('export');
  if (button.disabled) return;
  try {
    // Screenshots only when asked for: they can make the file many megabytes.
    const shots = document.getElementById('export-shots')?.checked === true;
    // Made here from storage.local (file-transfer.js): the file never travels in messages.
    const { parts, filename } = await busy(button, () => exportFile({ shots }));
    const name = filename || `catalog-guard-listings-${new Date().toISOString().slice(0, 10)}.json`;
    const url = URL.createObjectURL(new Blob(parts, { type: 'application/json' }));
    const a = h('a', { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    notify(t('exportDone', [name]));
  } catch (err) {
    notify(t('errorPrefix', [errorText(err)]), 'error');
  }
}

function importError(err) {
  const panel = $('import-panel');
  panel.hidden = false;
  replaceChildren(panel, h('p', { class: 'import-error', id: 'import-error', attrs: { role: 'alert' }, text: t('importError', [errorText(err)]) }));
}

let pending = null; // the plan whose preview is shown, until applied or cancelled

export async function onImportFile() {
  const input = $('import-file');
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  const panel = $('import-panel');
  let plan; // {preview, apply(mode), cancel()} (file-transfer.js)
  pending?.cancel();
  pending = null;
  panel.hidden = false;
  replaceChildren(panel, working(panel));
  try {
    plan = await prepareImport(await file.text());
    pending = plan;
  } catch (err) {
    importError(err);
    return;
  } finally {
    panel.removeAttribute('aria-busy');
  }
  const { preview } = plan;
  const counts = [
    ['importNew', countOf(preview, ['new', 'added', 'new_count', 'added_count'])],
    ['importChanged', countOf(preview, ['changed', 'updated', 'changed_count', 'updated_count'])],
    ['importConflicts', countOf(preview, ['conflicts', 'conflicting', 'conflict', 'conflict_count', 'conflicts_count'])],
    ['importUnchanged', countOf(preview, ['unchanged', 'same', 'unchanged_count'])],
    ['importOnlyHere', countOf(preview, ['only_here'])],
  ].filter(([, n]) => n !== null);
  const apply = (mode) => async () => {
    for (const b of panel.querySelectorAll('button')) b.disabled = true;
    panel.append(working(panel));
    try {
      await plan.apply(mode);
      await hooks.loadListings();
      panel.hidden = true;
      replaceChildren(panel);
      notify(t('importDone', [String(state.listings.length)]));
    } catch (err) {
      importError(err);
    } finally {
      panel.removeAttribute('aria-busy');
    }
  };
  panel.hidden = false;
  replaceChildren(
    panel,
    h('p', { text: t('importPreviewTitle', [file.name]) }),
    h('ul', { id: 'import-counts' }, counts.map(([key, n]) => h('li', { attrs: { 'data-count': key }, text: t(key, [String(n)]) }))),
    h(
      'div',
      { class: 'import-choice' },
      h('div', {}, h('button', { type: 'button', class: 'btn btn-primary', id: 'import-merge', text: t('importMerge'), on: { click: apply('merge') } }), h('p', { class: 'hint', text: t('importMergeHint') })),
      h('div', {}, h('button', { type: 'button', class: 'btn', id: 'import-replace', text: t('importReplace'), on: { click: apply('replace') } }), h('p', { class: 'hint', text: t('importReplaceHint') })),
      h('div', {}, h('button', { type: 'button', class: 'btn btn-quiet', id: 'import-cancel', text: t('actionCancel'), on: { click: () => { plan.cancel(); panel.hidden = true; replaceChildren(panel); } } })),
    ),
  );
  panel.querySelector('#import-merge').focus();
}
