import { defineConfig } from '@playwright/test';
import { launchOptions } from './chromium.mjs';

// One real `console` (release build, embedded localcloud, scratch data
// directory, free ports) for the whole run: see global-setup.mjs.
export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  globalSetup: './global-setup.mjs',
  use: {
    launchOptions,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    trace: 'off',
  },
});
