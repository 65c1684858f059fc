// Opens the registry console in Debian's chromium as a developer would: sign-in, the tool list
// searched by tag, a tool's page (versions diff, usage charts, permissions, network policy, secret
// names), the audit log filtered, a hostile description, and the page at 800 px. Prints one JSON
// line with what it saw and leaves screenshots in SCREENSHOT_DIR. Run by ConsoleBrowserTest.
import { chromium } from 'playwright-core';

const [baseUrl, token, tool, tag, secretValue, screenshots] = process.argv.slice(2);
if (!baseUrl || !token || !tool || !tag || !secretValue || !screenshots) {
  console.error('usage: node console.e2e.mjs BASE_URL TOKEN TOOL TAG SECRET_VALUE SCREENSHOT_DIR');
  process.exit(64);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const pageErrors = [];
const seen = {};
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
  page.on('dialog', (dialog) => { seen.dialog = dialog.message(); dialog.dismiss(); });

  await page.goto(baseUrl, { waitUntil: 'domcontentloaded' });
  await page.locator('#token').waitFor();
  seen.dataViewWhileSignedOut = await page.locator('#tools-view').isVisible();
  await page.screenshot({ path: `${screenshots}/registry-sign-in.png` });
  await page.locator('#token').fill(token);
  await page.locator('#sign-in').click();
  await page.locator('#tools-view').waitFor();
  seen.who = (await page.locator('#who').textContent()).trim();

  // The tag filter finds the seeded tool; its hostile description is shown neutralised.
  await page.locator('#tag').fill(tag);
  await page.locator('#search-button').click();
  const row = page.locator('tr.tool', { hasText: tool });
  await row.waitFor({ timeout: 30000 });
  // The unfiltered list shown at sign-in may hold the tool too (a database with few tools): count
  // once every row carries the tag, or after 30 s, when the count shows what the filter left.
  await page.waitForFunction(
    (wanted) => [...document.querySelectorAll('tr.tool')].every((r) => r.textContent.includes(wanted)),
    tag, { timeout: 30000 }).catch(() => {});
  seen.rowsForTag = await page.locator('tr.tool').count();
  seen.listDescription = (await row.locator('.description').textContent()).trim();
  await page.screenshot({ path: `${screenshots}/registry-tools.png` });

  await row.locator('a.title').click();
  await page.locator('#diff .added').first().waitFor({ timeout: 30000 });
  await page.locator('#chart-calls circle.point').first().waitFor({ timeout: 30000 });
  seen.hash = new URL(page.url()).hash;
  seen.description = (await page.locator('#tool-head .description').textContent()).trim();
  seen.versions = await page.locator('#versions tbody tr').count();
  seen.diffAdded = await page.locator('#diff .added').allTextContents();
  seen.diffRemoved = await page.locator('#diff .removed').allTextContents();
  seen.callPoints = await page.locator('#chart-calls circle.point').evaluateAll((ps) => ps.map((p) => `${p.dataset.series}=${p.dataset.value}`));
  seen.failureSeries = await page.locator('#chart-failures circle.point').evaluateAll((ps) => ps.map((p) => `${p.dataset.series}=${p.dataset.value}`));
  seen.latencyPoints = await page.locator('#chart-latency circle.point').count();
  seen.acl = await page.locator('#acl').innerText();
  seen.network = await page.locator('#network li').allTextContents();
  seen.secrets = await page.locator('#secrets li code').allTextContents();
  seen.limits = await page.locator('#limits').innerText();
  const text = await page.locator('body').innerText();
  seen.secretValueInPage = text.includes(secretValue) || (await page.content()).includes(secretValue);
  seen.rawOverrideInPage = text.includes('\u202E');
  seen.scriptsInData = await page.locator('main script').count();
  seen.pwned = await page.evaluate(() => window.__pwned === true);
  await page.screenshot({ path: `${screenshots}/registry-tool.png`, fullPage: true });

  // The audit log, filtered to the tool's denied calls.
  await page.locator('header nav a', { hasText: 'Audit log' }).click();
  await page.locator('#audit-view').waitFor();
  await page.locator('#audit-tool').fill(tool);
  await page.locator('#audit-decision').selectOption('DENY');
  await page.locator('#audit-form button').click();
  // The unfiltered log is on screen first: wait until the filtered answer has replaced it.
  await page.waitForFunction((name) => {
    const rows = [...document.querySelectorAll('#audit tbody tr.audit-entry')];
    return rows.length > 0 && rows.every((row) => row.querySelector('.decision').textContent === 'DENY'
      && row.querySelector('td:nth-child(4)').textContent === name);
  }, tool, { timeout: 30000 });
  seen.auditDecisions = [...new Set(await page.locator('#audit tbody .decision').allTextContents())];
  seen.auditActors = [...new Set(await page.locator('#audit tbody tr td:nth-child(2)').allTextContents())];
  await page.screenshot({ path: `${screenshots}/registry-audit.png`, fullPage: true });

  // At 800 px the tool's page is whole: nothing cut off to the right.
  await page.setViewportSize({ width: 800, height: 900 });
  await page.goto(`${baseUrl}#/tools/${encodeURIComponent(tool)}`);
  await page.locator('#chart-latency circle.point').first().waitFor({ timeout: 30000 });
  seen.narrow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    chartRight: Math.round(document.querySelector('#chart-latency svg').getBoundingClientRect().right),
  }));
  await page.screenshot({ path: `${screenshots}/registry-800.png`, fullPage: true });

  seen.ok = pageErrors.length === 0;
  seen.pageErrors = pageErrors;
  console.log(JSON.stringify(seen));
  if (pageErrors.length > 0) process.exitCode = 1;
} catch (error) {
  console.error(`console test failed: ${error.message}`);
  console.error(`seen so far: ${JSON.stringify(seen)}`);
  console.error(`page errors: ${JSON.stringify(pageErrors)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
