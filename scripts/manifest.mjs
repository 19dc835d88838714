// Per-browser manifests from extension/manifest.base.json. The marketplace list is read from
// src/page/kind.rs (MARKETPLACES), so the Rust core and the manifest cannot disagree.

/** Amazon image hosts the popup shows images from (and the background may fetch). */
export const IMAGE_HOSTS = [
  'https://m.media-amazon.com/*',
  'https://images-na.ssl-images-amazon.com/*',
  'https://images-fe.ssl-images-amazon.com/*',
  'https://images-eu.ssl-images-amazon.com/*',
  'https://*.images-amazon.com/*',
];

/** Product page paths: /dp/X, /<slug>/dp/X, /-/en/dp/X, /gp/product/X, /gp/aw/d/X (mobile). */
const PRODUCT_PATHS = ['/dp/*', '/*/dp/*', '/gp/product/*', '/*/gp/product/*', '/gp/aw/d/*'];

/** Every marketplace host listed in src/page/kind.rs. */
export function marketplaces(kindRs) {
  const m = /pub const MARKETPLACES: &\[&str\] = &\[([\s\S]*?)\];/.exec(kindRs);
  if (!m) throw new Error('MARKETPLACES not found in src/page/kind.rs');
  const hosts = [...m[1].matchAll(/"([a-z.]+)"/g)].map((x) => x[1]);
  if (hosts.length < 10) throw new Error(`only ${hosts.length} marketplaces found in src/page/kind.rs`);
  return hosts;
}

/** Host permissions: every marketplace (any subdomain: www., smile.). */
export function hostPermissions(kindRs) {
  return marketplaces(kindRs).map((h) => `https://*.${h}/*`);
}

/** Content-script match patterns for product pages on every marketplace. */
export function productMatches(kindRs) {
  return marketplaces(kindRs).flatMap((h) => PRODUCT_PATHS.map((p) => `https://*.${h}${p}`));
}

function expand(base, kindRs) {
  const m = structuredClone(base);
  m.host_permissions = m.host_permissions.flatMap((p) => {
    if (p === '@AMAZON_HOSTS@') return hostPermissions(kindRs);
    if (p === '@IMAGE_HOSTS@') return IMAGE_HOSTS;
    return [p];
  });
  for (const cs of m.content_scripts) {
    cs.matches = cs.matches.flatMap((p) => (p === '@PRODUCT_PAGES@' ? productMatches(kindRs) : [p]));
  }
  return m;
}

/** Chrome and Edge: an MV3 module service worker. */
export function chromeManifest(base, kindRs) {
  const m = expand(base, kindRs);
  m.minimum_chrome_version = '120';
  m.background = { service_worker: 'background/main.js', type: 'module' };
  return m;
}

/** Firefox: background scripts (as a module), a gecko id and the data-collection declaration. */
export function firefoxManifest(base, kindRs) {
  const m = expand(base, kindRs);
  m.background = { scripts: ['background/main.js'], type: 'module' };
  m.browser_specific_settings = {
    gecko: {
      id: 'catalog-guard@catalog-guard.invalid',
      strict_min_version: '140.0',
      data_collection_permissions: { required: ['none'] },
    },
    // Firefox for Android reads data_collection_permissions from 142 on.
    gecko_android: { strict_min_version: '142.0' },
  };
  return m;
}
