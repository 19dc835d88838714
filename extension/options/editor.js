// Options page, the listing editor dialog: watched values and watch flags, the image
// previews, and "Earlier versions" (losing versions kept by sync merges, each restorable).
import { t, currentLanguage } from '../ui/i18n.js';
import { h, replaceChildren } from '../ui/dom.js';
import { thumbnail, isImageId } from '../ui/images.js';
import { formatTime } from '../ui/render.js';
import { $, send, errorText, notify, hooks, WATCH_FLAGS, watchOf } from './common.js';

function lines(text) {
  return String(text)
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function textField(id, labelText, value, { multiline = false, hint = '' } = {}) {
  const input = multiline
    ? h('textarea', { id, name: id, value: value ?? '', rows: 3 })
    : h('input', { id, name: id, type: 'text', value: value ?? '' });
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  const label = h('label', { attrs: { for: id } }, labelText, hint ? h('span', { class: 'hint', id: `${id}-hint`, text: hint }) : null);
  return [label, input];
}

export function openEditor(entry) {
  const l = entry.listing;
  const dialog = $('editor');
  const error = h('p', { class: 'edit-error', id: 'edit-error', attrs: { role: 'alert' } });
  const variations = Object.entries(l.variations || {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  const preview = h('div', { class: 'editor-images thumb-strip' }, (l.images || []).map((id) => thumbnail(id, { size: 75, caption: false })));
  const imagesField = textField('edit-images', t('fieldImages'), (l.images || []).join('\n'), { multiline: true, hint: t('editImagesHint') });
  imagesField[1].addEventListener('input', () => {
    replaceChildren(preview, lines(imagesField[1].value).filter(isImageId).slice(0, 12).map((id) => thumbnail(id, { size: 75, caption: false })));
  });

  const watch = watchOf(l);
  const versions = h('fieldset', { class: 'versions', id: 'edit-versions' }, h('legend', { text: t('versionsHeading') }));
  const form = h(
    'form',
    { id: 'edit-form', method: 'dialog', attrs: { 'data-key': entry.key } },
    h('h2', { id: 'editor-heading', text: t('editTitle', [entry.key]) }),
    h(
      'div',
      { class: 'edit-grid' },
      textField('edit-sku', t('fieldSku'), l.sku || ''),
      textField('edit-title', t('fieldTitle'), l.title || '', { multiline: true }),
      textField('edit-brand', t('fieldBrand'), l.brand || ''),
      imagesField,
      h('span'),
      preview,
      textField('edit-variations', t('fieldVariations'), variations, { multiline: true, hint: t('editVariationsHint') }),
      textField('edit-breadcrumb', t('fieldBreadcrumb'), (l.breadcrumb || []).join('\n'), { multiline: true, hint: t('editListHint') }),
      textField('edit-bullets', t('fieldBullets'), (l.bullets || []).join('\n'), { multiline: true, hint: t('editListHint') }),
      textField('edit-description', t('fieldDescription'), l.description || '', { multiline: true }),
      textField('edit-note', t('fieldNote'), l.note || '', { multiline: true }),
    ),
    h(
      'fieldset',
      { class: 'watch' },
      h('legend', { text: t('editWatch') }),
      h(
        'div',
        { class: 'watch-grid' },
        WATCH_FLAGS.map(([flag, key]) =>
          h('label', {}, h('input', { type: 'checkbox', name: `watch-${flag}`, checked: Boolean(watch[flag]), attrs: { 'data-flag': flag } }), t(key)),
        ),
      ),
    ),
    versions,
    error,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', class: 'btn', id: 'edit-cancel', text: t('actionCancel'), on: { click: () => dialog.close() } }),
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'edit-save', text: t('actionSaveListing') }),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    let listing;
    try {
      listing = readEditor(form, l);
    } catch (err) {
      error.textContent = err.message;
      return;
    }
    const save = form.querySelector('#edit-save');
    save.disabled = true;
    try {
      await send({ type: 'ui-bg-listing-put', listing });
      dialog.close();
      await hooks.loadListings();
      notify(t('editSaved', [entry.key]));
    } catch (err) {
      error.textContent = t('errorPrefix', [errorText(err)]);
    } finally {
      save.disabled = false;
    }
  });
  replaceChildren(dialog, form);
  dialog.showModal();
  form.querySelector('#edit-title').focus();
  loadVersions(entry, versions, dialog);
}

/** JSON with object keys sorted (two equal values always give the same text). */
function canonicalJson(v) {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v ?? null);
}

const VERSION_REASONS = {
  other_newer: 'versionReasonOtherNewer',
  this_newer: 'versionReasonThisNewer',
  same_time: 'versionReasonSameTime',
  restored_over: 'versionReasonRestoredOver',
  deleted_elsewhere: 'versionReasonDeletedElsewhere',
  deleted_here: 'versionReasonDeletedHere',
};

/** The editor's "Earlier versions": losing versions kept by sync merges, each restorable. */
async function loadVersions(entry, box, dialog) {
  let versions;
  try {
    ({ versions } = await send({ type: 'ui-bg-listing-versions', key: entry.key }));
  } catch (err) {
    box.append(h('p', { class: 'edit-error', text: t('errorPrefix', [errorText(err)]) }));
    return;
  }
  if (!Array.isArray(versions) || !versions.length) {
    box.append(h('p', { class: 'hint', id: 'versions-none', text: t('versionsNone') }));
    return;
  }
  const restore = (index) => async (e) => {
    e.target.disabled = true;
    try {
      await send({ type: 'ui-bg-listing-restore', key: entry.key, index });
      dialog.close();
      await hooks.loadListings();
      notify(t('versionRestored', [entry.key]));
    } catch (err) {
      e.target.disabled = false;
      box.append(h('p', { class: 'edit-error', attrs: { role: 'alert' }, text: t('errorPrefix', [errorText(err)]) }));
    }
  };
  // The parts of a listing a version can differ in, with their labels.
  const parts = [
    ['title', 'fieldTitle'], ['brand', 'fieldBrand'], ['images', 'fieldImages'], ['variations', 'fieldVariations'],
    ['breadcrumb', 'fieldBreadcrumb'], ['bullets', 'fieldBullets'], ['description', 'fieldDescription'],
    ['seller', 'fieldSeller'], ['note', 'fieldNote'], ['watch', 'editWatch'],
  ];
  const current = entry.listing;
  box.append(h('ol', { id: 'versions-list' }, versions.map((v, i) => {
    const l = v.listing || {};
    const differs = parts.filter(([f]) => canonicalJson(l[f]) !== canonicalJson(current[f])).map(([, key]) => t(key));
    const from = v.from === 'other' ? 'versionFromOther' : 'versionFromThis';
    return h(
      'li',
      { attrs: { 'data-from': v.from === 'other' ? 'other' : 'this' } },
      h('span', { class: 'version-when', text: t(from, [formatTime(l.updated_at), formatTime(v.at)]) }),
      ' ',
      VERSION_REASONS[v.reason] ? h('span', { class: 'version-reason', text: t(VERSION_REASONS[v.reason]) }) : null,
      h('span', { class: 'version-title', text: l.title || '' }),
      differs.length ? h('span', { class: 'version-differs', text: t('versionDiffers', [differs.join(currentLanguage() === 'ja' ? '・' : ', ')]) }) : null,
      h('button', {
        type: 'button',
        class: 'btn btn-small version-restore',
        text: t('versionRestore'),
        attrs: { 'aria-label': t('versionRestoreLabel', [entry.key]) },
        on: { click: restore(i) },
      }),
    );
  })));
}

/** The edited listing, or throws an Error whose message is for the user. */
function readEditor(form, original) {
  const val = (id) => form.querySelector(`#${id}`).value;
  const orNull = (s) => (s.trim() === '' ? null : s.trim());
  const images = lines(val('edit-images'));
  for (const id of images) if (!isImageId(id)) throw new Error(t('editBadImage', [id]));
  const variations = {};
  String(val('edit-variations'))
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const at = line.indexOf('=');
      if (at <= 0) throw new Error(t('editBadVariation', [String(i + 1)]));
      variations[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    });
  const watch = watchOf(original);
  for (const box of form.querySelectorAll('input[type="checkbox"][data-flag]')) watch[box.dataset.flag] = box.checked;
  const listing = {
    ...original,
    title: orNull(val('edit-title').replace(/\s*\n\s*/g, ' ')),
    brand: orNull(val('edit-brand')),
    images,
    variations,
    breadcrumb: lines(val('edit-breadcrumb')),
    bullets: lines(val('edit-bullets')),
    description: orNull(val('edit-description')),
    note: val('edit-note').trim(),
    watch,
    updated_at: new Date().toISOString(),
  };
  const sku = val('edit-sku').trim();
  if (sku) listing.sku = sku;
  else delete listing.sku;
  return listing;
}
