// Options: the per-listing "History & cases" dialog. Filled in below.
export function openDetails() {}
