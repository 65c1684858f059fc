// Opens the memory explorer in Debian's chromium as an agent's operator would: sign-in, the context
// tree (with a context shared by someone else), a child context's lineage, a memory's supersession
// history, a hostile memory shown neutralised, a search showing each result's scores and where it
// came from, and the page at 800 px. Prints one JSON line with what it saw and leaves screenshots
// in SCREENSHOT_DIR. Run by ExplorerBrowserTest.
import { chromium } from 'playwright-core';

const [baseUrl, token, child, query, screenshots] = process.argv.slice(2);
if (!baseUrl || !token || !child || !query || !screenshots) {
  console.error('usage: node explorer.e2e.mjs BASE_URL TOKEN CHILD_CONTEXT_ID QUERY SCREENSHOT_DIR');
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
  seen.dataViewWhileSignedOut = await page.locator('#explorer').isVisible();
  await page.screenshot({ path: `${screenshots}/memory-sign-in.png` });
  await page.locator('#token').fill(token);
  await page.locator('#sign-in').click();
  await page.locator(`#tree li[data-context="${child}"]`).waitFor({ timeout: 30000 });
  seen.who = (await page.locator('#who').textContent()).trim();
  // The child sits under its parent in the tree.
  seen.childParentNode = await page.locator(`#tree li[data-context="${child}"]`)
    .evaluate((node) => node.parentElement.closest('li') ? node.parentElement.closest('li').querySelector('a').textContent : null);
  seen.tree = await page.locator('#tree > li > a').allTextContents();
  seen.treeAccess = await page.locator('#tree .access').allTextContents();

  await page.locator(`#tree li[data-context="${child}"] > a`).click();
  await page.locator('#memories li.memory').first().waitFor({ timeout: 30000 });
  seen.hash = new URL(page.url()).hash;
  seen.lineage = await page.locator('#lineage li').allTextContents();
  seen.shares = await page.locator('#shares li').allTextContents();
  seen.memories = await page.locator('#memories li.memory > .content').allTextContents();
  seen.history = await page.locator('#memories li.memory details.history li.superseded').allTextContents();
  seen.historySummary = await page.locator('#memories details.history summary').allTextContents();
  const text = await page.locator('body').innerText();
  seen.rawOverrideInPage = text.includes('\u202E');
  seen.scriptsInData = await page.locator('main script').count();
  seen.pwned = await page.evaluate(() => window.__pwned === true);
  await page.screenshot({ path: `${screenshots}/memory-context.png`, fullPage: true });

  await page.locator('#query').fill(query);
  await page.locator('#search-button').click();
  await page.locator('#results tbody tr.result').first().waitFor({ timeout: 30000 });
  seen.results = await page.locator('#results tbody tr.result').evaluateAll((rows) => rows.map((row) => ({
    content: row.querySelector('.content').textContent,
    origin: row.querySelector('.origin').textContent,
    fused: row.querySelector('.fused').textContent,
    semantic: row.querySelector('.semantic').textContent,
    lexical: row.querySelector('.lexical').textContent,
    recency: row.querySelector('.recency').textContent,
  })));
  await page.screenshot({ path: `${screenshots}/memory-search.png`, fullPage: true });

  await page.setViewportSize({ width: 800, height: 900 });
  await page.locator('#results tbody tr.result').first().waitFor();
  seen.narrow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    resultsRight: Math.round(document.querySelector('#results').getBoundingClientRect().right),
  }));
  await page.screenshot({ path: `${screenshots}/memory-800.png`, fullPage: true });

  seen.ok = pageErrors.length === 0;
  seen.pageErrors = pageErrors;
  console.log(JSON.stringify(seen));
  if (pageErrors.length > 0) process.exitCode = 1;
} catch (error) {
  console.error(`explorer test failed: ${error.message}`);
  console.error(`seen so far: ${JSON.stringify(seen)}`);
  console.error(`page errors: ${JSON.stringify(pageErrors)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
