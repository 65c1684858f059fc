// Opens the guardian dashboard in Debian's chromium as an operator would: the sign-in state, the
// issue list (acknowledging one with a click), auto-refresh, the labelled unverified reports, a
// hostile right-to-left override in a title, an issue's own page, and the page at 800 px. Prints
// one JSON line with what it saw and leaves screenshots in SCREENSHOT_DIR; exits non-zero on any
// failure. Run by DashboardBrowserTest (through BrowserRun).
import { chromium } from 'playwright-core';

const [baseUrl, token, title, bidiTitle, screenshots] = process.argv.slice(2);
if (!baseUrl || !token || !title || !bidiTitle || !screenshots) {
  console.error('usage: node dashboard.e2e.mjs BASE_URL TOKEN ISSUE_TITLE BIDI_TITLE SCREENSHOT_DIR');
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
const seen = {};
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });

  // Signed out: the sign-in form only, no empty data view under it.
  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.locator('#token').waitFor();
  seen.dataViewWhileSignedOut = await page.locator('#dashboard').isVisible();
  await page.screenshot({ path: `${screenshots}/dashboard-sign-in.png` });

  await page.locator('#token').fill(token);
  await page.locator('#sign-in').click();
  // Newest first: the seeded issues are the latest, whatever else the database holds.
  await page.locator('#sort').selectOption('lastSeen');

  const row = page.locator('tr.group', { hasText: title });
  await row.waitFor({ timeout: 30000 });
  seen.before = (await row.locator('.state').textContent()).trim();
  seen.bars = await row.locator('svg.sparkline rect').count();
  seen.count = (await row.locator('.count').textContent()).trim();

  await row.locator('button[data-state="acknowledged"]').click();
  await page.locator('tr.group', { hasText: title }).locator('.state.acknowledged').waitFor({ timeout: 30000 });
  seen.after = (await page.locator('tr.group', { hasText: title }).locator('.state').textContent()).trim();
  seen.who = (await page.locator('#who').textContent()).trim();
  seen.trustedTools = await page.locator('#tools tbody tr').allTextContents();
  seen.untrustedTools = await page.locator('#untrusted-tools tbody tr').allTextContents();

  // The right-to-left override arrives as a visible code point, not as a reordering of the text.
  const bidiRow = page.locator('tr.group', { hasText: 'Refund for order' });
  await bidiRow.first().waitFor({ timeout: 30000 });
  seen.bidiTitle = (await bidiRow.first().locator('.title').textContent()).trim();
  seen.rawOverrideInPage = (await page.locator('body').innerText()).includes('\u202E');

  // Auto-refresh: one more event of the issue shows up without touching the page.
  const groupId = await page.locator('tr.group', { hasText: title }).getAttribute('data-group-id');
  const report = await fetch(new URL('/api/v1/errors', baseUrl), {
    method: 'POST', headers: { 'Authorization': `Bearer ${token}`, 'Content-Type': 'application/json' },
    // The same failure as the seeded ones (same trace), so it joins their issue.
    body: JSON.stringify({ service: 'web-shop', errorType: 'checkout.Failure', errorMessage: title,
      stackTrace: process.env.ISSUE_STACK, attributes: { tool: 'payments-gateway' } }),
  });
  seen.extraReport = report.status;
  await page.locator('tr.group', { hasText: title }).locator('.count', { hasText: /^5$/ }).waitFor({ timeout: 45000 });
  seen.countAfterRefresh = (await page.locator('tr.group', { hasText: title }).locator('.count').textContent()).trim();
  await page.locator('tr.group', { hasText: title }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${screenshots}/dashboard.png` });

  // The issue's own page: samples with stack trace and attributes, timeline, history, actions.
  await page.locator('tr.group', { hasText: title }).locator('a.title').click();
  await page.locator('#group-samples .sample').first().waitFor({ timeout: 30000 });
  seen.hash = new URL(page.url()).hash;
  seen.samples = await page.locator('#group-samples .sample').count();
  seen.stackTrace = (await page.locator('#group-samples pre.stack').first().textContent()).includes('.Checkout.pay(Checkout.java:42)');
  seen.attributes = await page.locator('#group-samples dl.attributes dt').allTextContents();
  seen.history = await page.locator('#group-history li').allTextContents();
  seen.timelineBars = await page.locator('#group-timeline svg rect').count();
  seen.linkedTools = await page.locator('#group-head a.tool-link').allTextContents();
  seen.listHiddenOnGroupPage = !(await page.locator('#dashboard').isVisible());
  seen.groupId = groupId;
  await page.screenshot({ path: `${screenshots}/dashboard-group.png`, fullPage: true });

  // At 800 px the list is whole: nothing cut off to the right, no sideways scrolling.
  await page.locator('#back').click();
  await page.setViewportSize({ width: 800, height: 900 });
  await page.locator('tr.group', { hasText: title }).waitFor({ timeout: 30000 });
  seen.narrow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    tableRight: Math.round(document.querySelector('#groups').getBoundingClientRect().right),
    lastColumnRight: Math.round(document.querySelector('#groups tbody tr td:last-child').getBoundingClientRect().right),
  }));
  await page.screenshot({ path: `${screenshots}/dashboard-800.png`, fullPage: true });

  seen.ok = pageErrors.length === 0;
  seen.pageErrors = pageErrors;
  console.log(JSON.stringify(seen));
  if (pageErrors.length > 0) {
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`dashboard test failed: ${error.message}`);
  console.error(`seen so far: ${JSON.stringify(seen)}`);
  console.error(`page errors: ${JSON.stringify(pageErrors)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
