// What the background-baseline tests (baseline, baseline-restart) share: the Seller Central
// report they import, the routed pages and keys of its rows, and a client that sends ui-bg-*
// messages (each must answer ok) and polls the baseline run's status.
import { ownPage, replaced, sleep } from './harness.mjs';

export const DEMO_TITLE = 'サクラ工房 真空断熱タンブラー 420ml 保温 保冷 ステンレス ミッドナイトブラック';
export const url = (asin) => `https://www.amazon.co.jp/dp/${asin}`;
export const key = (asin) => `amazon.co.jp/${asin}`;

const demo = ownPage('demo-jp.html');

/** Our synthetic demo page under `asin`. */
export function pageOf(asin) {
  return replaced(demo, 'B0DEMOJP01', asin);
}

/** A Japanese Seller Central report (UTF-8) with one row a ASIN, SKUs `${sku}0`, `${sku}1`, …,
 *  as the byte list ui-bg-import-report-apply takes. */
export function reportBytes(asins, sku) {
  const rows = asins.map((a, i) => `${DEMO_TITLE}\t${sku}${i}\t${a}\t`).join('\r\n');
  return Array.from(new TextEncoder().encode(`商品名\t出品者SKU\tASIN1\t商品の説明\r\n${rows}\r\n`));
}

/**
 * `send(msg)` (asserts the answer is ok), `status()` (the baseline run's status) and
 * `waitFor(pred, what)` (polls the status every `step` ms until `pred` holds, throws after
 * `timeout` ms), through `harness()`: the current launch, asked at each call so a test that
 * launches the browser again keeps the same helpers.
 */
export function baselineClient(harness, { timeout, step }) {
  const send = (msg) => harness().sendOk(msg);
  const status = async () => (await send({ type: 'ui-bg-baseline-status' })).status;
  async function waitFor(pred, what) {
    const end = Date.now() + timeout;
    let last;
    for (;;) {
      last = await status();
      if (pred(last)) return last;
      if (Date.now() > end) throw new Error(`never ${what}; last: ${JSON.stringify(last.job)}`);
      await sleep(step);
    }
  }
  return { send, status, waitFor };
}
