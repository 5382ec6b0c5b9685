// Debian's Chromium, never a downloaded browser; flags from ../shared/toolchain.md.
export const launchOptions = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // Custom domains of the tests resolve to the local gateway, as a DNS
    // record would point them at the cloud's.
    '--host-resolver-rules=MAP *.e2e.test 127.0.0.1',
  ],
};
