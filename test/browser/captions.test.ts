// Live captions in real browsers: a captioner invited from the console types Japanese at a desk,
// a viewer with Japanese selected sees it over the video, then the correction; Arabic runs right to left.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server';
import { launchBrowser, screenshot } from '../support/browser';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ WORKERS: '1' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function type(desk: Page, text: string) {
  const input = desk.getByTestId('desk-input');
  await input.fill(text);
  await input.press('Enter');
}

it('shows a Japanese desk cue to a Japanese viewer, then its correction, and Arabic right to left', async () => {
  const console = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  await console.goto(`${server.url}/console?token=${await server.access.mint({ role: 'producer' })}`);
  await console.getByLabel('Invite role').selectOption('captioner');
  await console.getByLabel('Invite channel').selectOption('main');
  await console.getByLabel('Invite language').selectOption('ja');
  await console.getByRole('button', { name: 'Make link' }).click();
  const link = await console.getByLabel('Invite link').inputValue();
  expect(link).toMatch(/\/desk\/main\/ja\?token=/);

  const viewer = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  await viewer.goto(`${server.url}/channel/main`);
  await viewer.getByLabel('Captions').selectOption('ja');

  const desk = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  await desk.goto(link);
  await desk.getByTestId('desk-input').waitFor();
  await type(desk, 'パートナーの皆さん、ようこそ');
  await expect.poll(() => viewer.getByTestId('captions').textContent(), { timeout: 10_000 }).toBe('パートナーの皆さん、ようこそ');

  // The captioner corrects the cue; the viewer's line changes in place.
  await desk.getByRole('button', { name: 'パートナーの皆さん、ようこそ' }).click();
  await desk.getByLabel('Correction').fill('パートナーの皆様、ようこそ');
  await desk.getByLabel('Correction').press('Enter');
  await expect.poll(() => viewer.getByTestId('captions').textContent(), { timeout: 10_000 }).toBe('パートナーの皆様、ようこそ');
  await screenshot(viewer, 'captions-japanese');

  // An Arabic desk; the viewer switches language and gets only Arabic, right to left.
  const arabicDesk = await browser.newPage();
  await arabicDesk.goto(`${server.url}/desk/main/ar?token=${await server.access.mint({ role: 'captioner', channelId: 'main', languages: ['ar'] })}`);
  await viewer.getByLabel('Captions').selectOption('ar');
  await type(arabicDesk, 'أهلا بكم في المؤتمر');
  await expect.poll(() => viewer.getByTestId('captions').textContent(), { timeout: 10_000 }).toBe('أهلا بكم في المؤتمر');
  expect(await viewer.getByTestId('captions').getAttribute('dir')).toBe('rtl');
  await type(desk, 'これは見えないはず');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await viewer.getByTestId('captions').textContent()).not.toContain('これは');
  await screenshot(viewer, 'captions-arabic');

  // A captioner link for Japanese does not open the Arabic desk.
  const wrong = await browser.newPage();
  await wrong.goto(link.replace('/ja?', '/ar?'));
  await expect.poll(() => wrong.getByRole('alert').textContent()).toMatch(/needs a captioner link/);
});
