// Rendering a Report (see src/check/mod.rs) as DOM: used by the popup and
// by www/index.html. Pure DOM building; the caller supplies the actions.
import { h } from './dom.js';
import { t, locale } from './i18n.js';
import { thumbnail } from './images.js';

const FIELD_KEYS = {
  title: 'fieldTitle',
  brand: 'fieldBrand',
  'images.main': 'fieldImagesMain',
  'images.gallery': 'fieldImagesGallery',
  images: 'fieldImages',
  variations: 'fieldVariations',
  breadcrumb: 'fieldBreadcrumb',
  bullets: 'fieldBullets',
  description: 'fieldDescription',
  seller: 'fieldSeller',
  offers: 'fieldOffers',
  note: 'fieldNote',
  'family.parent': 'fieldFamilyParent',
  'family.members': 'fieldFamilyMembers',
  availability: 'fieldAvailability',
};

const DIMENSION_KEYS = {
  color_name: 'dimColorName',
  size_name: 'dimSizeName',
  style_name: 'dimStyleName',
  pattern_name: 'dimPatternName',
  material_type: 'dimMaterialType',
  configuration_name: 'dimConfigurationName',
  item_package_quantity: 'dimItemPackageQuantity',
  customer_package_type: 'dimCustomerPackageType',
  flavor_name: 'dimFlavorName',
  scent_name: 'dimScentName',
  edition_name: 'dimEditionName',
  platform_for_display: 'dimPlatformForDisplay',
};

const SEVERITY_KEYS = { critical: 'severityCritical', warning: 'severityWarning', info: 'severityInfo' };

/** A variation dimension ("color_name") in the UI language ("カラー"). */
export function dimensionLabel(dim) {
  const key = DIMENSION_KEYS[dim];
  if (key) return t(key);
  // Unknown dimension: "band_material_type" -> "band material type".
  return String(dim).replace(/_name$/, '').replace(/_/g, ' ');
}

/** A Mismatch.field name in the UI language. */
export function fieldLabel(field) {
  if (FIELD_KEYS[field]) return t(FIELD_KEYS[field]);
  if (typeof field === 'string' && field.startsWith('variations.')) {
    return t('fieldVariation', [dimensionLabel(field.slice('variations.'.length))]);
  }
  return String(field);
}

/** "critical" -> "重大" / "Critical". */
export function severityLabel(severity) {
  return SEVERITY_KEYS[severity] ? t(SEVERITY_KEYS[severity]) : String(severity);
}

// ---- family, availability and a page that is gone

/** Family members (`[{asin, dimensions}]`): the expected side lists those the page no longer
 *  shows, the actual side those the listing did not have. */
function renderMembers(value, side) {
  if (!Array.isArray(value) || value.length === 0) return missing();
  return h('div', { class: 'value-members' },
    h('p', { class: 'value-sub', text: t(side === 'expected' ? 'familyMembersRemoved' : 'familyMembersAdded') }),
    h('ul', { class: 'value-list' }, value.map((m) => {
      const dims = Object.entries(m?.dimensions ?? {}).map(([k, v]) => `${dimensionLabel(k)}: ${v}`).join(', ');
      return h('li', { attrs: { 'data-asin': String(m?.asin ?? '') } },
        h('span', { class: 'value-text', text: String(m?.asin ?? '') }),
        dims ? h('span', { class: 'value-sub', text: ` (${dims})` }) : null);
    })));
}

function renderAvailability(value) {
  if (value === 'in_stock') return h('span', { class: 'value-text', text: t('availabilityInStock') });
  if (value === 'unavailable') return h('span', { class: 'value-text', text: t('availabilityUnavailable') });
  return renderPlain(value);
}

/** Why a page counts as gone (the core's gone reasons, one copy of the words). */
export function goneReasonText(gone) {
  if (gone?.reason === 'redirected') return t('goneRedirected').replace('{asin}', String(gone.redirected_to ?? '?'));
  if (gone?.reason === 'no_longer_available') return t('goneNoLongerAvailable');
  return t('goneNotFound');
}

/** A gone report: why, when first seen (a single sighting may be a glitch), when last seen
 *  working, and the listing's last known good values. Text nodes only. */
export function renderGone(report, listing) {
  const g = report.gone ?? {};
  const box = h('div', { class: 'gone', attrs: { 'data-gone-reason': String(g.reason ?? '') } },
    h('p', { class: 'gone-reason', text: goneReasonText(g) }),
    h('p', { class: 'gone-first-seen', text: t('goneFirstSeen', [formatTime(g.first_seen ?? report.checked_at)]) }),
    h('p', { class: 'gone-last-seen', text: g.last_seen ? t('goneLastSeen', [formatTime(g.last_seen)]) : t('goneLastSeenNever') }),
    h('p', { class: `gone-confirmed${g.confirmed ? ' confirmed' : ''}`, text: t(g.confirmed ? 'goneConfirmedHint' : 'goneUnconfirmedHint') }));
  if (listing) {
    const rows = [];
    if (listing.title) rows.push(['title', h('span', { class: 'value-text', text: listing.title })]);
    if (listing.brand) rows.push(['brand', h('span', { class: 'value-text', text: listing.brand })]);
    if (Array.isArray(listing.images) && listing.images[0]) rows.push(['images.main', thumbnail(String(listing.images[0]), { mark: 'main' })]);
    if (listing.family?.parent) rows.push(['family.parent', h('span', { class: 'value-text', text: listing.family.parent })]);
    if (listing.seller?.name) rows.push(['seller', renderSeller(listing.seller)]);
    if (rows.length) {
      box.appendChild(h('h3', { class: 'gone-last-known', text: t('goneLastKnown') }));
      box.appendChild(h('dl', { class: 'value-map gone-values' },
        rows.map(([field, node]) => [h('dt', { text: fieldLabel(field) }), h('dd', { attrs: { 'data-field': field } }, node)])));
    }
  }
  return box;
}

/** An RFC 3339 time in the UI language, or the input as is. */
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

function missing() {
  return h('span', { class: 'value-missing', text: t('labelMissing') });
}

/**
 * One side of a character diff: the expected side shows equal + delete
 * parts (deleted text in <del>), the actual side equal + insert (<ins>).
 */
export function renderDiffSide(parts, side) {
  const wrap = h('span', { class: 'diff' });
  const changed = side === 'expected' ? 'delete' : 'insert';
  for (const part of parts || []) {
    if (!part || typeof part.text !== 'string') continue;
    if (part.op === 'equal') wrap.appendChild(document.createTextNode(part.text));
    else if (part.op === changed) {
      wrap.appendChild(h(side === 'expected' ? 'del' : 'ins', { class: `diff-${part.op}`, text: part.text }));
    }
  }
  return wrap;
}

/** Renders a JSON value readably (strings, lists, objects), text only. */
export function renderPlain(value) {
  if (value === null || value === undefined || value === '') return missing();
  if (Array.isArray(value)) {
    if (value.length === 0) return missing();
    return h('ol', { class: 'value-list' }, value.map((v) => h('li', {}, renderPlain(v))));
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return missing();
    return h(
      'dl',
      { class: 'value-map' },
      entries.map(([k, v]) => [h('dt', { text: k }), h('dd', {}, renderPlain(v))]),
    );
  }
  return h('span', { class: 'value-text', text: String(value) });
}

function renderSeller(seller) {
  if (!seller || typeof seller !== 'object') return renderPlain(seller);
  return h(
    'span',
    { class: 'value-seller' },
    h('span', { class: 'value-text', text: seller.name || '' }),
    seller.id ? h('span', { class: 'value-sub', text: ` (${t('labelSellerId', [seller.id])})` }) : null,
  );
}

function renderImages(ids, other) {
  if (!Array.isArray(ids) || ids.length === 0) return missing();
  const others = new Set(Array.isArray(other) ? other : []);
  return h(
    'div',
    { class: 'thumb-strip' },
    ids.map((id) => thumbnail(id, { mark: others.has(id) ? '' : 'changed' })),
  );
}

/** The value of one side ("expected" | "actual") of a mismatch. */
export function renderSide(mismatch, side) {
  const value = mismatch[side];
  const other = mismatch[side === 'expected' ? 'actual' : 'expected'];
  const field = mismatch.field;
  if (field === 'images.main') {
    return value ? thumbnail(String(value), { mark: 'main' }) : missing();
  }
  if (field === 'images.gallery') return renderImages(value, other);
  if (field === 'family.members') return renderMembers(value, side);
  if (field === 'availability') return renderAvailability(value);
  if (value === null || value === undefined) return missing();
  if (field === 'seller') {
    if (Array.isArray(mismatch.diff) && value && typeof value === 'object') {
      return h(
        'span',
        { class: 'value-seller' },
        renderDiffSide(mismatch.diff, side),
        value.id ? h('span', { class: 'value-sub', text: ` (${t('labelSellerId', [value.id])})` }) : null,
      );
    }
    return renderSeller(value);
  }
  if (Array.isArray(mismatch.diff)) {
    const multiline = Array.isArray(value) || field === 'description';
    const d = renderDiffSide(mismatch.diff, side);
    if (multiline) d.classList.add('diff-multiline');
    return d;
  }
  return renderPlain(value);
}

// ---- image content: the verdict of comparing the pictures, with both images' colour names

const VERDICT_KEYS = {
  same: 'imageVerdictSame', recoloured: 'imageVerdictRecoloured', different: 'imageVerdictDifferent', unknown: 'imageVerdictUnknown',
};

/** The colour name of a colour (`{name_en, name_ja}`) in the UI language. */
function colourName(c) {
  const ja = String(locale() ?? '').startsWith('ja');
  return String((ja ? c?.name_ja : c?.name_en) ?? '');
}

/** The names of an image's dominant colours, largest first, each once. */
function colourNames(colours) {
  return [...new Set((Array.isArray(colours) ? colours : []).map(colourName).filter(Boolean))];
}

/**
 * The content verdict of an image mismatch (`verdict`, `colours: {saved, page}`): one line
 * ("Colour changed: black → red") and each side's colour names. Text nodes only.
 */
export function renderImageVerdict(mismatch) {
  const saved = colourNames(mismatch.colours?.saved);
  const page = colourNames(mismatch.colours?.page);
  const key = VERDICT_KEYS[mismatch.verdict] ?? 'imageVerdictUnknown';
  const line = mismatch.verdict === 'recoloured' ? t(key, [saved[0] ?? '?', page[0] ?? '?']) : t(key);
  const box = h('div', { class: `image-verdict verdict-${VERDICT_KEYS[mismatch.verdict] ? mismatch.verdict : 'unknown'}`, attrs: { 'data-verdict': mismatch.verdict } },
    h('p', { class: 'verdict-line', text: line }));
  if (saved.length || page.length) {
    box.appendChild(h('div', { class: 'compare verdict-colours' },
      h('div', { class: 'side side-expected colours-saved', text: t('imageColoursLabel', [saved.join(', ')]) }),
      h('div', { class: 'side side-actual colours-page', text: t('imageColoursLabel', [page.join(', ')]) })));
  }
  return box;
}

/**
 * One mismatch as an <li>. `actions` (optional): {accept(field), unwatch(field)}
 * add the two per-field buttons.
 */
export function renderMismatch(mismatch, actions = null) {
  const label = fieldLabel(mismatch.field);
  const item = h('li', {
    class: `mismatch severity-${mismatch.severity}`,
    attrs: { 'data-field': mismatch.field, 'data-severity': mismatch.severity },
  });
  const headingId = `mm-${String(mismatch.field).replace(/[^A-Za-z0-9_-]/g, '_')}`;
  item.appendChild(
    h(
      'div',
      { class: 'mismatch-head' },
      h('span', { class: `severity severity-${mismatch.severity}`, text: severityLabel(mismatch.severity) }),
      h('h3', { class: 'field-name', id: headingId, text: label }),
    ),
  );
  const images = String(mismatch.field).startsWith('images.');
  item.appendChild(
    h(
      'div',
      { class: `compare${images ? ' compare-images' : ''}` },
      h('div', { class: 'side side-expected' }, h('div', { class: 'side-label', text: t('labelExpected') }), renderSide(mismatch, 'expected')),
      h('div', { class: 'side side-actual' }, h('div', { class: 'side-label', text: t('labelActual') }), renderSide(mismatch, 'actual')),
    ),
  );
  if (images && mismatch.verdict) item.appendChild(renderImageVerdict(mismatch));
  if (actions) {
    item.appendChild(
      h(
        'div',
        { class: 'mismatch-actions', attrs: { role: 'group', 'aria-labelledby': headingId } },
        h('button', {
          type: 'button',
          class: 'btn btn-small action-accept',
          text: t('actionAccept'),
          attrs: { 'data-action': 'accept', 'data-field': mismatch.field },
          on: { click: () => actions.accept(mismatch.field) },
        }),
        h('button', {
          type: 'button',
          class: 'btn btn-small btn-quiet action-unwatch',
          text: t('actionUnwatch'),
          attrs: { 'data-action': 'unwatch', 'data-field': mismatch.field },
          on: { click: () => actions.unwatch(mismatch.field) },
        }),
      ),
    );
  }
  return item;
}

const STATUS_ICONS = { match: '✓', mismatch: '!', untracked: '+', not_product: '–', unreadable: '?', gone: '×', none: '…' };

/** Headline and hint for a report status. */
export function statusText(report) {
  const status = report ? report.status : 'none';
  switch (status) {
    case 'match':
      return [t('statusMatch'), ''];
    case 'mismatch': {
      const n = (report.mismatches || []).length;
      return [n === 1 ? t('statusMismatchOne') : t('statusMismatchMany', [String(n)]), ''];
    }
    case 'untracked':
      return [t('statusUntracked'), t('statusUntrackedHint')];
    case 'not_product':
      return [t('statusNotProduct'), t('statusNotProductHint')];
    case 'unreadable':
      return [t('statusUnreadable'), t('statusUnreadableHint')];
    case 'gone':
      return [t('statusGone'), t('statusGoneHint')];
    default:
      return [t('statusNoReport'), t('statusNoReportHint')];
  }
}

/** The status banner: icon, headline, hint. */
export function renderStatus(report) {
  const status = report ? report.status : 'none';
  const [headline, hint] = statusText(report);
  return h(
    'div',
    { class: `status status-${status}`, id: 'status', attrs: { 'data-status': status, role: 'status' } },
    h('span', { class: 'status-icon', text: STATUS_ICONS[status] || '?', attrs: { 'aria-hidden': 'true' } }),
    h('div', { class: 'status-text' }, h('p', { class: 'status-headline', text: headline }), hint ? h('p', { class: 'status-hint', text: hint }) : null),
  );
}

/** ASIN, marketplace and checked time as a <dl>. */
export function renderMeta(report) {
  const rows = [];
  if (report && report.asin) rows.push(['labelAsin', report.asin, 'asin']);
  if (report && report.marketplace) rows.push(['labelMarketplace', report.marketplace, 'marketplace']);
  if (report && report.checked_at) rows.push(['labelChecked', formatTime(report.checked_at), 'checked']);
  if (rows.length === 0) return null;
  return h(
    'dl',
    { class: 'meta' },
    rows.map(([key, value, name]) =>
      h('div', { class: 'meta-row' }, h('dt', { text: t(key) }), h('dd', { text: value, attrs: { 'data-meta': name } })),
    ),
  );
}

/**
 * The whole report: status, meta, title of the page, mismatches.
 * `opts.actions` as for renderMismatch (only used when a listing exists).
 */
export function renderReport(report, listing = null, opts = {}) {
  const root = h('section', { class: 'report', attrs: { 'data-status': report ? report.status : 'none' } });
  root.appendChild(renderStatus(report));
  const meta = renderMeta(report);
  if (meta) root.appendChild(meta);
  const title = report && report.page && report.page.title;
  if (title && !['mismatch', 'gone'].includes(report.status)) root.appendChild(h('p', { class: 'page-title', text: title }));
  if (report && report.status === 'gone') root.appendChild(renderGone(report, listing));
  if (report && report.status === 'mismatch' && Array.isArray(report.mismatches)) {
    root.appendChild(
      h(
        'ol',
        { class: 'mismatches', attrs: { 'aria-label': t('statusMismatchMany', [String(report.mismatches.length)]) } },
        report.mismatches.map((m) => renderMismatch(m, listing ? opts.actions || null : null)),
      ),
    );
  }
  return root;
}
