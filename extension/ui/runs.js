// The background run's label (background/baseline.js status `job`), shared by the popup and the
// options page: a family save ("Save all N variations") says whose family it saves, not
// "n of m pages" as a baseline of partial listings does.
import { t } from './i18n.js';

/** "Saving the family of B0…: 2 of 5" / "Family of B0… saved: 5 of 5 variations" / "3 of 9 pages". */
export function runLabel(j) {
  const of = (j.family_of ?? []).join(', ');
  if (!j.family) return t('baselineProgress', [String(j.position), String(j.total)]);
  if (!of) return t('familyProgress', [String(j.saved ?? 0), String(j.total)]); // a run stored before family_of
  if (j.finished_at) return t('familySaveDone', [of, String(j.saved ?? 0), String(j.total)]);
  return t('familySaveProgress', [of, String(j.position), String(j.total)]);
}
