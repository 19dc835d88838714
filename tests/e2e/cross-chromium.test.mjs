// The shared cross-browser cases (cross/cases.mjs) in headless Chromium with dist/chrome.
import * as chromium from './cross/drivers/chromium.mjs';
import { runCases } from './cross/cases.mjs';

runCases(chromium);
