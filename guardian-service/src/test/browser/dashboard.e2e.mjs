// Opens the guardian dashboard in Debian's chromium, signs in with a pasted token, finds the seeded
// issue, acknowledges it with a click and waits until the page shows the new state. Prints one
// JSON line with what it saw; exits non-zero on any failure. Run by DashboardBrowserTest.
import { chromium } from 'playwright-core';

const [baseUrl, token, title, screenshot] = process.argv.slice(2);
if (!baseUrl || !token || !title || !screenshot) {
  console.error('usage: node dashboard.e2e.mjs BASE_URL TOKEN ISSUE_TITLE SCREENSHOT_PATH');
  process.exit(64);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // As on our build machines: no sandbox as root, and no calls home on a closed network.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const pageErrors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.locator('#token').fill(token);
  await page.locator('#sign-in').click();

  const row = page.locator('tr.group', { hasText: title });
  await row.waitFor({ timeout: 30000 });
  const before = (await row.locator('.state').textContent()).trim();
  const bars = await row.locator('svg.sparkline rect').count();
  const count = (await row.locator('.count').textContent()).trim();

  await row.locator('button[data-state="acknowledged"]').click();
  await page.locator('tr.group', { hasText: title }).locator('.state.acknowledged').waitFor({ timeout: 30000 });
  const after = (await page.locator('tr.group', { hasText: title }).locator('.state').textContent()).trim();
  const who = (await page.locator('#who').textContent()).trim();
  const tools = await page.locator('#tools tbody tr').count();

  // The page as an operator sees it, scrolled to the issue just acknowledged.
  await page.locator('tr.group', { hasText: title }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ ok: pageErrors.length === 0, before, after, bars, count, who, tools, pageErrors }));
  if (pageErrors.length > 0) {
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`dashboard test failed: ${error.message}`);
  console.error(`page errors: ${JSON.stringify(pageErrors)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
