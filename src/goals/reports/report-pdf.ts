/**
 * A board as a person sees it, as a PDF: headless Chromium opens the same dashboard page, waits
 * until every tile and chart has its data, and prints it, paginated, with a header naming the
 * report, its period and comparison and a footer with the generation time and page numbers.
 * Chromium is Debian's (or VITRINE_CHROMIUM); nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { VitrineError } from '../../util/errors.js';

export interface BoardPdfRequest {
  /** The dashboard's base address (a running Vitrine server). */
  readonly dashboardUrl: string;
  /** A token the page signs in with (never written into the PDF). */
  readonly token: string;
  readonly board: string;
  readonly from: string;
  readonly to: string;
  readonly compare: 'yoy' | 'previous' | 'yoy-weekday';
  readonly lang: 'en' | 'fr';
  readonly where?: Readonly<Record<string, readonly string[]>>;
  /** Header lines: the report's title, then its period and comparison in words. */
  readonly title: string;
  readonly subtitle: string;
  readonly generatedAt: string;
  /** Per-page time limit for the board to be ready. */
  readonly timeoutMs?: number;
}

const PRINT_SCALE = 0.7;

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['VITRINE_CHROMIUM'] ?? env['CHROMIUM_PATH'];
  if (given) return given;
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new VitrineError(
      'NO_CHROMIUM',
      'PDF reports need Chromium: install it (Debian: apt-get install chromium) or set VITRINE_CHROMIUM to its path',
    );
  }
  return found;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Debian's Chromium, headless. The flags keep it off the network (a closed network refuses
 * Google's hosts, many at a time) and allow running as root. Reports, the browser tests and the
 * dashboard bench all launch it here.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function renderBoardPdf(r: BoardPdfRequest): Promise<Buffer> {
  const browser = await launchChromium();
  try {
    // The page is laid out at the printed width (A4 landscape less the margins, at the print
    // scale), so charts drawn on screen fill the paper instead of overflowing it.
    const page = await browser.newPage({
      viewport: { width: Math.round((((297 - 16) / 25.4) * 96) / PRINT_SCALE), height: 1000 },
    });
    const q = new URLSearchParams({
      board: r.board,
      period: 'custom',
      from: r.from,
      to: r.to,
      lang: r.lang,
    });
    if (r.compare !== 'yoy') q.set('compare', r.compare);
    for (const [dim, values] of Object.entries(r.where ?? {})) {
      if (values.length > 0) q.set(dim, values.join(','));
    }
    const base = r.dashboardUrl.replace(/\/+$/, '');
    await page.goto(`${base}/?${q.toString()}#token=${encodeURIComponent(r.token)}`);
    const timeout = r.timeoutMs ?? 120_000;
    try {
      await page.waitForSelector('.tiles[data-ready]', { timeout });
      await page.waitForFunction(
        `[...document.querySelectorAll('.panel')].every((p) => p.hasAttribute('data-ready'))`,
        null,
        { timeout },
      );
    } catch (e) {
      throw new VitrineError(
        'REPORT_RENDER',
        `board ${r.board} did not finish loading in ${Math.round(timeout / 1000)} s: ${(e as Error).message.split('\n')[0]}`,
      );
    }
    await page.emulateMedia({ media: 'screen' });
    const small =
      'font-family: sans-serif; font-size: 8px; color: #555; width: 100%; padding: 0 10mm;';
    return await page.pdf({
      format: 'A4',
      landscape: true,
      printBackground: true,
      scale: PRINT_SCALE,
      margin: { top: '18mm', bottom: '14mm', left: '8mm', right: '8mm' },
      displayHeaderFooter: true,
      headerTemplate: `<div style="${small} display: flex; justify-content: space-between;"><b style="font-size: 10px; color: #111;">${escapeHtml(r.title)}</b><span>${escapeHtml(r.subtitle)}</span></div>`,
      footerTemplate: `<div style="${small} display: flex; justify-content: space-between;"><span>${escapeHtml(r.generatedAt)}</span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
