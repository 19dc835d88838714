// storage.sync: push the local listings and settings within the quotas, merge what another
// browser synced. Local data is never changed by a refused or full sync.
import { api } from '../lib/platform.js';
import { core, keyOf, loadListings, saveListings, loadSettings, listingsSavedHooks } from './core.js';
import { recheckAllTabs } from './checks.js';

// ------------------------------------------------------------------ storage.sync
// Listings and settings are copied to storage.sync within its quotas by the core's encoder
// (full records for as many listings as fit, fingerprints for the rest). Local data is never
// lost because sync is full or a write is refused. What the last push synced is kept in
// storage.local `sync_status` ({stats, status, error, at}) for the options page.

let syncTimer = 0;

export function scheduleSyncPush(delay = 1500) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => { syncPush().catch(() => {}); }, delay);
}

export async function syncPush() {
  if (!api.storage.sync) return;
  const { listings, settings: stored } = await api.storage.local.get(['listings', 'settings']);
  const settings = await core('settings_read', { stored: stored ?? null });
  if (!settings.sync_enabled) return;
  const plan = await core('sync_encode', { listings: Object.values(listings ?? {}), settings: stored ?? null });
  const current = await api.storage.sync.get(null);
  const set = {};
  for (const [k, v] of Object.entries(plan.items)) {
    if (JSON.stringify(current[k]) !== JSON.stringify(v)) set[k] = v;
  }
  const remove = Object.keys(current).filter((k) => !Object.hasOwn(plan.items, k));
  let error = null;
  try {
    if (Object.keys(set).length) await api.storage.sync.set(set);
    if (remove.length) await api.storage.sync.remove(remove);
  } catch (e) {
    error = String(e?.message ?? e); // quota or rate limit: local data is untouched
    scheduleSyncPush(60_000);
  }
  await api.storage.local.set({ sync_status: { stats: plan.stats, status: plan.status, error, at: Date.now() } });
}

/** Merges what another browser synced into the local listings (newer updated_at wins). */
export async function syncPull() {
  if (!api.storage.sync) return;
  const settings = await loadSettings();
  if (!settings.sync_enabled) return;
  const items = await api.storage.sync.get(null);
  if (!Object.keys(items).length) return;
  const map = await loadListings();
  const result = await core('sync_merge', { local: Object.values(map), items });
  if (!result.updated.length) return;
  const next = {};
  for (const l of result.listings) next[keyOf(l)] = l;
  await saveListings(next, { fromSync: true });
  await recheckAllTabs();
}

listingsSavedHooks.push(({ fromSync }) => {
  if (!fromSync) scheduleSyncPush();
});

/** The options page's sync messages. */
export const syncHandlers = {
  async 'ui-bg-sync-status'() {
    const { sync_status: status } = await api.storage.local.get('sync_status');
    return { sync: status ?? null };
  },
};

// Another browser's changes arrive through storage.sync (registered when the worker starts).
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'sync') syncPull().catch(() => {});
});
api.runtime.onStartup?.addListener(() => { syncPull().catch(() => {}); });
