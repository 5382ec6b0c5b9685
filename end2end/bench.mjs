// Time from navigation start to an interactive login form (the username
// field enabled and focusable), in headless Debian Chromium; median of runs.
import { chromium } from '@playwright/test';
import { launchOptions } from './chromium.mjs';

const url = process.argv[2];
const runs = 7;
const browser = await chromium.launch(launchOptions);
const times = [];
for (let i = 0; i < runs; i++) {
  // A fresh context each run: nothing cached, like a first visit.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel(/Username|用户名/).waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('#username')?.disabled);
  times.push(await page.evaluate(() => performance.now()));
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`\nnavigation → interactive login form, ${runs} cold runs: median ${median.toFixed(0)} ms ` +
  `(min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})`);
