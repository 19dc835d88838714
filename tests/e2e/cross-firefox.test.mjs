// The shared cross-browser cases (cross/cases.mjs) in headless Firefox ESR with dist/firefox
// (selenium-webdriver + geckodriver).
import * as firefox from './cross/drivers/firefox.mjs';
import { runCases } from './cross/cases.mjs';

runCases(firefox);
