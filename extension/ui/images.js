// Amazon image IDs -> thumbnails.
import { h } from './dom.js';

/** An Amazon image ID as the core gives it (e.g. "81lde+541vL"). */
export const IMAGE_ID = /^[A-Za-z0-9+\-_%.]+$/;

/** True when `id` is safe to put into an image URL. */
export function isImageId(id) {
  return typeof id === 'string' && id.length > 0 && id.length <= 200 && IMAGE_ID.test(id);
}

/** Thumbnail URL for an image ID (160 px on the long side), or null. */
export function thumbUrl(id, size = 160) {
  if (!isImageId(id)) return null;
  return `https://m.media-amazon.com/images/I/${id}._SL${size}_.jpg`;
}

/**
 * A thumbnail figure for one image ID: <figure><img alt=ID><figcaption>ID</figcaption></figure>.
 * An ID that fails validation is shown as text only (no <img>).
 */
export function thumbnail(id, { size = 160, mark = '', caption = true } = {}) {
  const url = thumbUrl(id, size);
  const fig = h('figure', { class: `thumb${mark ? ` thumb-${mark}` : ''}`, attrs: { 'data-image-id': url ? id : null } });
  if (url) {
    const img = h('img', { alt: id, loading: 'lazy', decoding: 'async', referrerPolicy: 'no-referrer' });
    img.src = url;
    img.addEventListener('error', () => fig.classList.add('thumb-broken'), { once: true });
    fig.appendChild(img);
  } else {
    fig.classList.add('thumb-invalid');
  }
  if (caption || !url) fig.appendChild(h('figcaption', { text: String(id ?? '') }));
  return fig;
}
