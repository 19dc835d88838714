// Options page, Seller Central report import: the chosen file's preview (new / changed /
// unchanged / total, for the chosen marketplace) and applying it (partial listings, then
// completed from their pages in the background).
import { t } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { $, send, errorText, notify, countOf, hooks } from './common.js';

/** The chosen report, kept so a marketplace change re-runs the preview: {name, bytes}. */
let pendingReport = null;

function reportMarketplace() {
  const v = $('report-marketplace').value;
  return v === 'auto' ? null : v;
}

function closeReport() {
  pendingReport = null;
  const panel = $('report-panel');
  panel.hidden = true;
  replaceChildren(panel);
}

function reportError(err) {
  const panel = $('report-panel');
  panel.hidden = false;
  replaceChildren(panel, h('p', { class: 'import-error', id: 'report-error', attrs: { role: 'alert' }, text: t('reportError', [errorText(err)]) }));
}

export async function onReportFile() {
  const input = $('report-file');
  const file = input.files && input.files[0];
  input.value = '';
  if (!file) return;
  try {
    pendingReport = { name: file.name, bytes: Array.from(new Uint8Array(await file.arrayBuffer())) };
  } catch (err) {
    pendingReport = null;
    reportError(err);
    return;
  }
  await previewReport();
}

export async function previewReport() {
  const report = pendingReport;
  if (!report) return;
  const marketplace = reportMarketplace();
  let preview;
  try {
    ({ preview } = await send({ type: 'ui-bg-import-report-preview', bytes: report.bytes, marketplace }));
  } catch (err) {
    if (report === pendingReport) reportError(err);
    return;
  }
  if (report !== pendingReport) return; // another file was chosen meanwhile
  const counts = [
    ['importNew', countOf(preview, ['new'])],
    ['importChanged', countOf(preview, ['changed'])],
    ['importUnchanged', countOf(preview, ['unchanged'])],
    ['reportTotal', countOf(preview, ['total'])],
  ].filter(([, n]) => n !== null);
  const panel = $('report-panel');
  const apply = async () => {
    for (const b of panel.querySelectorAll('button')) b.disabled = true;
    try {
      const { count } = await send({ type: 'ui-bg-import-report-apply', bytes: report.bytes, marketplace });
      closeReport();
      await hooks.loadListings();
      notify(t('reportDone', [String(count ?? 0)]));
    } catch (err) {
      reportError(err);
    }
  };
  panel.hidden = false;
  replaceChildren(
    panel,
    h('p', { text: t('importPreviewTitle', [report.name]) }),
    h('ul', { id: 'report-counts' }, counts.map(([key, n]) => h('li', { attrs: { 'data-count': key }, text: t(key, [String(n)]) }))),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'btn btn-primary', id: 'report-apply', text: t('reportApply'), on: { click: apply } }),
      h('button', { type: 'button', class: 'btn btn-quiet', id: 'report-cancel', text: t('actionCancel'), on: { click: closeReport } }),
    ),
  );
  panel.querySelector('#report-apply').focus();
}
