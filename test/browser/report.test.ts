/**
 * The HTML reports in headless Chromium: written to a temp dir and opened from file://, they must
 * load without console errors and without any request leaving the file, show every plot with data
 * marks inside its box, and run no script (the fixture's `<script>` tensor name stays text).
 * Screenshots go to reports/compare/ for a look by eye. Needs /usr/bin/chromium (fails if missing).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml, renderStudyHtml } from '../../src/compare/report-html.js';
import { compareFixture, EVIL_NAME, studyFixture, wideFixture } from '../helpers/compare-fixture.js';
import { launchChromium, type Chromium } from '../helpers/chromium.js';

const SHOTS = fileURLToPath(new URL('../../reports/compare/', import.meta.url));

let browser: Chromium | undefined;
let dir = '';
let setupError: Error | undefined;
/** Every URL the page asked for that is not the report file itself. */
const requests: string[] = [];

beforeAll(async () => {
  try {
    dir = mkdtempSync(join(tmpdir(), 'numlab-report-'));
    browser = await launchChromium();
    await browser.context.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith(pathToFileURL(dir).href)) {
        requests.push(url);
        return route.abort();
      }
      return route.continue();
    });
  } catch (e) {
    setupError = e instanceof Error ? e : new Error(String(e));
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

interface PlotInfo {
  plot: string;
  marks: number;
  width: number;
  height: number;
  /** Marks whose box lies outside the plot's own box (clipped data). */
  outside: number;
  /** Texts (labels, ticks, legends) that reach outside the plot's box. */
  clippedText: string[];
}

async function open(name: string, html: string, shot: string) {
  if (setupError) throw setupError;
  const { page, errors } = browser!;
  errors.length = 0;
  requests.length = 0;
  const file = join(dir, name);
  writeFileSync(file, html);
  await page.setViewportSize({ width: 1180, height: 900 });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  const plots = await page.$$eval('svg.plot', (svgs) =>
    svgs.map((svg) => {
      const box = svg.getBoundingClientRect();
      const marks = Array.from(svg.querySelectorAll('.data-mark'));
      const outside = marks.filter((m) => {
        const b = m.getBoundingClientRect();
        return b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1;
      }).length;
      const clipped = Array.from(svg.querySelectorAll('text')).filter((t) => {
        const b = t.getBoundingClientRect();
        return b.width > 0 && (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1);
      });
      return {
        plot: svg.getAttribute('data-plot') ?? '',
        marks: marks.length,
        width: box.width,
        height: box.height,
        outside,
        clippedText: clipped.map((t) => t.textContent ?? ''),
      };
    }),
  );
  const scripts = await page.$$eval('script', (s) => s.length);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, shot), fullPage: true });
  return { page, errors: [...errors], plots: plots as PlotInfo[], scripts };
}

function expectPlots(plots: PlotInfo[], names: string[]) {
  expect(plots.map((p) => p.plot)).toEqual(names);
  for (const p of plots) {
    expect(p.marks, `${p.plot} has data marks`).toBeGreaterThanOrEqual(1);
    expect(p.width, `${p.plot} is laid out`).toBeGreaterThan(100);
    expect(p.height, `${p.plot} is laid out`).toBeGreaterThan(50);
    expect(p.outside, `${p.plot}: marks outside the plot`).toBe(0);
    expect(p.clippedText, `${p.plot}: text outside the plot`).toEqual([]);
  }
}

describe('compare reports in headless Chromium', () => {
  it('renders the compare report: every plot with marks, no errors, no requests, no script', async () => {
    const result = compareFixture();
    const { page, errors, plots, scripts } = await open('compare.html', renderHtml(result), 'fixture-screenshot.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(scripts).toBe(0);
    expectPlots(plots, ['qsnr-vs-bits', 'qsnr-vs-crest', 'qsnr-heatmap', 'error-histograms']);
    // the evil tensor name is shown as text, in the tables and the heat map
    const headings = await page.$$eval('h2', (h) => h.map((e) => e.textContent));
    expect(headings).toContain(`Tensor ${EVIL_NAME}`);
    const heatLabels = await page.$$eval('svg[data-plot="qsnr-heatmap"] .axis-y title', (t) => t.map((e) => e.textContent));
    expect(heatLabels).toContain(EVIL_NAME);
    // every mark carries a tooltip
    const untitled = await page.$$eval('.data-mark', (ms) => ms.filter((m) => !m.querySelector('title')?.textContent).length);
    expect(untitled).toBe(0);
  });

  it('lays out a wide result (21 formats with long names, short tensor names) without clipping', async () => {
    const { errors, plots } = await open('wide.html', renderHtml(wideFixture()), 'fixture-wide-screenshot.png');
    expect(errors).toEqual([]);
    expectPlots(plots, ['qsnr-vs-bits', 'qsnr-vs-crest', 'qsnr-heatmap', 'error-histograms']);
    expect(plots.find((p) => p.plot === 'qsnr-heatmap')!.width).toBeGreaterThan(760);
  });

  it('renders the study report: one plot per pair with markers and crossovers', async () => {
    const study = studyFixture();
    const { errors, plots, scripts } = await open('study.html', renderStudyHtml(study), 'fixture-study-screenshot.png');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(scripts).toBe(0);
    expectPlots(plots, ['study-0-mxint8-vs-mxfp8_e4m3', 'study-1-nvint4-vs-nvfp4']);
  });
});
