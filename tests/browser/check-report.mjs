// check-report.mjs - loads an objmem report.html in Debian's Chromium
// (headless, driven through the DevTools protocol by puppeteer-core; no
// browser is downloaded) at each width asked for, and checks it the way a
// reader on that screen would meet it:
//   - the page is no wider than the viewport (no sideways scrolling);
//   - every figure lies fully inside the viewport and keeps its aspect;
//   - a table wider than the page scrolls inside its own box;
//   - every link of the table of contents leads to a heading on the page;
//   - no request leaves the page (every one is recorded and refused);
//   - no console message and no page error.
// Screenshots per width: the full page, OUTDIR/report-WIDTH.png, and what
// the window first shows, OUTDIR/report-WIDTH-top.png.
//
// usage: node check-report.mjs REPORT.html OUTDIR WIDTH...
// env:   CHROMIUM (default /usr/bin/chromium)
// Prints one "ok:" line per width; exits 1 with one "FAIL:" line per problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [report, outdir, ...widthArgs] = process.argv.slice(2);
if (!report || !outdir || !widthArgs.length) {
  console.error('usage: node check-report.mjs REPORT.html OUTDIR WIDTH...');
  process.exit(2);
}
const widths = widthArgs.map(Number);
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const url = pathToFileURL(path.resolve(report)).href;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'objmem-chromium-'));
const problems = [];

// Everything measured inside the page, in CSS pixels.
function measure() {
  const vw = window.innerWidth;
  const doc = document.documentElement;
  const figures = [...document.querySelectorAll('figure svg')].map((svg) => {
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox && svg.viewBox.baseVal;
    return {
      label: svg.getAttribute('aria-label') || '',
      left: r.left, right: r.right, width: r.width, height: r.height,
      aspect: vb && vb.width ? vb.height / vb.width : null,
    };
  });
  const tables = [...document.querySelectorAll('table')].map((t) => {
    const box = t.closest('.wide');
    const b = (box || t).getBoundingClientRect();
    return {
      inBox: !!box, boxLeft: b.left, boxRight: b.right,
      scrolls: box ? getComputedStyle(box).overflowX : 'visible',
      tableWidth: t.getBoundingClientRect().width,
    };
  });
  const links = [...document.querySelectorAll('a[href^="#"]')].map((a) => {
    const id = a.getAttribute('href').slice(1);
    return { id, found: !!document.getElementById(id) };
  });
  const fontPx = parseFloat(getComputedStyle(document.body).fontSize);
  return { vw, scrollWidth: doc.scrollWidth, figures, tables, links, fontPx,
           headings: document.querySelectorAll('h2[id]').length };
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
         '--disable-background-networking', '--disable-component-update',
         '--disable-default-apps', '--disable-sync', '--metrics-recording-only',
         '--no-default-browser-check'],
  timeout: 60000,
});
try {
  for (const width of widths) {
    const page = await browser.newPage();
    const requests = [], messages = [];
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      if (req.url() === url && req.isNavigationRequest()) {
        req.continue();
      } else {
        requests.push(req.url());
        req.abort();
      }
    });
    page.on('console', (m) => messages.push(`console ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
    await page.setViewport({ width, height: 900 });
    await page.goto(url, { waitUntil: 'load', timeout: 60000 });
    const m = await page.evaluate(measure);
    const fail = (what) => problems.push(`${width}px: ${what}`);
    if (m.scrollWidth > m.vw)
      fail(`the page is ${m.scrollWidth}px wide, wider than the ${m.vw}px window`);
    if (!m.figures.length)
      fail('no figure on the page');
    for (const f of m.figures) {
      if (f.left < -0.5 || f.right > m.vw + 0.5)
        fail(`figure '${f.label}' spans ${f.left.toFixed(0)}..${f.right.toFixed(0)}px, outside the window`);
      if (f.width < 1)
        fail(`figure '${f.label}' has no width`);
      if (f.aspect && Math.abs(f.height / f.width - f.aspect) > 0.02 * f.aspect)
        fail(`figure '${f.label}' is distorted (${f.width.toFixed(0)}x${f.height.toFixed(0)})`);
    }
    for (const t of m.tables) {
      if (t.boxRight > m.vw + 0.5)
        fail(`a table's box ends at ${t.boxRight.toFixed(0)}px, past the window`);
      if (t.tableWidth > t.boxRight - t.boxLeft + 0.5 && (!t.inBox || t.scrolls !== 'auto'))
        fail('a table wider than the page does not scroll in its own box');
    }
    for (const l of m.links)
      if (!l.found)
        fail(`the link #${l.id} leads nowhere`);
    if (m.headings < 5)
      fail(`only ${m.headings} sections have an anchor`);
    for (const r of requests)
      fail(`a request left the page: ${r}`);
    for (const msg of messages)
      fail(msg);
    let shot = path.join(outdir, `report-${width}.png`);
    try {
      await page.screenshot({ path: shot, fullPage: true });
    } catch (e) {
      // Chromium caps a capture's height: a long page (a big matrix at 400 px)
      // is checked all the same, only its full-page picture is left out
      if (!/too large/i.test(String(e.message)))
        throw e;
      shot = `(no full-page picture: ${e.message})`;
    }
    await page.screenshot({ path: path.join(outdir, `report-${width}-top.png`) });
    console.log(`ok: ${width}px: page ${m.scrollWidth}px wide, ${m.figures.length} figures and ` +
                `${m.tables.length} tables inside, ${m.links.length} links, ` +
                `${requests.length} requests, ${messages.length} console messages; ${shot}`);
    await page.close();
  }
} finally {
  await browser.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
for (const p of problems)
  console.log(`FAIL: ${p}`);
process.exit(problems.length ? 1 : 0);
