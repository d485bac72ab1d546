import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLinks, projectMarkdownFiles } from './support/markdownLinks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the README and docs/', () => {
  it('have every relative link lead to a file that exists, and every #anchor to a heading', () => {
    const files = projectMarkdownFiles(root);
    expect(files).toContain('README.md');
    expect(files.length).toBeGreaterThan(1);
    expect(checkLinks(root, files)).toEqual([]);
  });
});

describe('the link check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hybrid-stage-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'docs', 'decisions'), { recursive: true });
  writeFileSync(
    path.join(dir, 'docs', 'guide.md'),
    ['# Guide', '', '## Faults and stopping', '', '## Viewer: `/channel/<id>`', '', '## Notes', '', '## Notes', ''].join('\n'),
  );
  writeFileSync(path.join(dir, 'docs', 'decisions', '0001-pin.md'), '# The pin\n\nSee [the guide](../guide.md#notes-1).\n');

  const check = (markdown: string) => {
    writeFileSync(path.join(dir, 'README.md'), markdown);
    return checkLinks(dir, projectMarkdownFiles(dir)).map(({ file, url, line }) => ({ file, url, line }));
  };

  it('accepts links to files, folders, headings (GitHub slugs, numbered duplicates) and the web', () => {
    expect(
      check(
        [
          '# Title',
          '',
          '[guide](docs/guide.md), [faults](docs/guide.md#faults-and-stopping), [viewer](docs/guide.md#viewer-channelid),',
          '[second notes](docs/guide.md#notes-1), [folder](docs/decisions/), [here](#title), [root](/docs/guide.md),',
          '[web](https://example.com/x.md#nowhere), [mail](mailto:a@example.com), [by reference][ref].',
          '',
          '`[not a link](nowhere.md)`',
          '',
          '```',
          '[not a link either](nowhere.md)',
          '```',
          '',
          '[ref]: docs/guide.md#notes',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('finds a missing file, a missing heading and a broken reference definition, with their lines', () => {
    expect(
      check(
        ['# Title', '', '[gone](docs/gone.md)', '', '[bad anchor](docs/guide.md#no-such-heading) [self](#nope) [ref][r]', '', '[r]: docs/decisions/0002-gone.md'].join('\n'),
      ),
    ).toEqual([
      { file: 'README.md', url: 'docs/gone.md', line: 3 },
      { file: 'README.md', url: 'docs/guide.md#no-such-heading', line: 5 },
      { file: 'README.md', url: '#nope', line: 5 },
      { file: 'README.md', url: 'docs/decisions/0002-gone.md', line: 7 },
    ]);
  });

  it('refuses links that leave the repository or use another scheme', () => {
    expect(check('[up](../outside.md) [js](javascript:alert(1))').map(({ url }) => url)).toEqual([
      '../outside.md',
      'javascript:alert(1)',
    ]);
  });
});
