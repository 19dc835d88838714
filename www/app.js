// www/index.html: check a saved product page against a listings file, in the
// browser, with the same wasm core and the same report view as the popup.
import { initI18n, applyI18n, t, currentLanguage } from './ui/i18n.js';
import { h, replaceChildren } from './ui/dom.js';
import { renderReport } from './ui/render.js';
import { loadCore, call, savedLanguage, saveLanguage } from './core.js';

const $ = (id) => document.getElementById(id);
let last = null; // {report, listing, page}

function notify(text, kind = 'info') {
  $('notice').textContent = text;
  $('notice').dataset.kind = kind;
}

function findListing(listings, report) {
  if (!report || !report.asin) return null;
  const asin = report.asin.toLowerCase();
  return (
    listings.find(
      (l) => String(l.asin).toLowerCase() === asin && (!report.marketplace || String(l.marketplace).toLowerCase() === report.marketplace.toLowerCase()),
    ) || null
  );
}

function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function render() {
  const box = $('result');
  if (!last) {
    box.hidden = true;
    return;
  }
  const { report, listing, page } = last;
  const view = renderReport(report, listing);
  const actions = h('div', { class: 'actions' });
  if (report.status === 'untracked') {
    actions.appendChild(
      h('button', {
        type: 'button',
        class: 'btn btn-primary',
        id: 'save-page',
        text: t('actionSave'),
        on: {
          click: () => {
            try {
              const saved = call('save', { page, now_ms: Date.now() });
              const file = { format: 'catalog-guard/listings', version: 1, listings: [saved] };
              download(`${JSON.stringify(file, null, 2)}\n`, `catalog-guard-${saved.asin}.json`);
            } catch (err) {
              notify(t('errorPrefix', [err.message]), 'error');
            }
          },
        },
      }),
    );
  }
  if (report.status === 'match' || report.status === 'mismatch') {
    actions.appendChild(
      h('button', {
        type: 'button',
        class: 'btn',
        id: 'copy-report',
        text: t('actionCopy'),
        on: {
          click: async () => {
            let text;
            try {
              text = call('report_text', { report, listing, lang: currentLanguage() });
            } catch (err) {
              notify(t('errorPrefix', [err.message]), 'error');
              return;
            }
            const old = document.getElementById('report-text');
            if (old) old.remove();
            box.appendChild(h('pre', { class: 'report-text', id: 'report-text', text }));
            try {
              await navigator.clipboard.writeText(text);
              notify(t('copied'), 'success');
            } catch {
              notify(t('copyFallback'), 'info');
            }
          },
        },
      }),
    );
  }
  if (actions.childElementCount) view.insertBefore(actions, view.querySelector('.mismatches'));
  replaceChildren(box, view);
  box.hidden = false;
}

async function onCheck(e) {
  e.preventDefault();
  notify('');
  const pageFile = $('page-file').files[0];
  if (!pageFile) {
    notify(t('wwwNeedPage'), 'error');
    return;
  }
  const listingsFile = $('listings-file').files[0];
  const url = $('page-url').value.trim() || null;
  try {
    await loadCore();
  } catch (err) {
    notify(t('wwwNoWasm', [err.message || String(err)]), 'error');
    return;
  }
  try {
    const html = await pageFile.text();
    const listings = listingsFile ? call('parse_listings', { text: await listingsFile.text() }).listings : [];
    const page = call('extract', { url, html });
    const report = call('check', { listings, page, now_ms: Date.now() });
    last = { report, listing: findListing(listings, report), page };
    render();
  } catch (err) {
    last = null;
    render();
    notify(t('errorPrefix', [err.message]), 'error');
  }
}

async function setLanguage(value) {
  await initI18n({ language: value, base: document.baseURI });
  applyI18n(document);
  render();
}

async function main() {
  const language = savedLanguage();
  $('language').value = language;
  await setLanguage(language);
  $('language').addEventListener('change', async () => {
    saveLanguage($('language').value);
    await setLanguage($('language').value);
  });
  $('check-form').addEventListener('submit', onCheck);
  loadCore().catch((err) => notify(t('wwwNoWasm', [err.message || String(err)]), 'error'));
  document.body.dataset.ready = 'true';
}

main();
