// The real saved amazon.co.jp page most e2e tests check (a Nintendo Switch, saved from the
// English UI: a /-/en/ URL), its listing key and main image, and the same page with that main
// image swapped everywhere (a hijacked main image). Each test keeps its own case IDs and URLs
// for other variants (e.g. the plain /dp/ URL).
import { fixture, truth, replaced } from './harness.mjs';

/** The fixture page's file (under the fixture pages). */
export const SWITCH = 'amazon.co.jp/nintendo-switch-neon-B07WXL5YPW-2022.html';
export const ASIN = 'B07WXL5YPW';
/** The URL it was saved from (served there by `h.serve`). */
export const URL_ = `https://www.amazon.co.jp/-/en/dp/${ASIN}`;
/** The same page as opened from a search result (Amazon's ref path and query on its URL). */
export const SEARCH_URL = `${URL_}/ref=sr_1_4?crid=1Z7CFQT3NL4OJ&keywords=switch&qid=1643976764&sprefix=swit%2Caps%2C233&sr=8-4&th=1`;
/** Its key in the stored listings. */
export const KEY = `amazon.co.jp/${ASIN}`;
/** Its main image ID (from the hand-checked truth file). */
export const MAIN = truth(SWITCH).extra.main_image_id;
/** The main image ID of the hijacked page. */
export const HIJACK = '71HiJaCkEdL';

/** The page's bytes as saved. */
export function original() {
  return fixture(SWITCH);
}

/** The page's text (UTF-8, as it is saved), for tests that edit it as a string. */
export function originalText() {
  return original().toString('utf8');
}

/** The page with its main image ID replaced everywhere by HIJACK. */
export function swapped() {
  return replaced(original(), MAIN, HIJACK);
}
