import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import GithubSlugger from 'github-slugger';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { toString } from 'mdast-util-to-string';
import { visit } from 'unist-util-visit';

/** A link in a markdown file that does not lead anywhere. */
export interface BrokenLink {
  file: string;
  line: number;
  url: string;
  reason: string;
}

interface Markdown {
  /** Every link target: inline links, images and reference definitions, with their line. */
  links: { url: string; line: number }[];
  /** The GitHub anchors of the file's headings (`## Faults and stopping` -> `faults-and-stopping`). */
  anchors: Set<string>;
}

/**
 * Parses markdown with mdast (CommonMark, as GitHub does) rather than a regular expression, so
 * links in code blocks and code spans are not links, and reference-style links are found through
 * their definitions. Anchors are slugged with github-slugger, GitHub's own algorithm (numbered
 * duplicates included).
 */
export function readMarkdown(text: string): Markdown {
  const tree = fromMarkdown(text);
  const links: Markdown['links'] = [];
  const anchors = new Set<string>();
  const slugger = new GithubSlugger();
  visit(tree, (node) => {
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      links.push({ url: node.url, line: node.position?.start.line ?? 0 });
    } else if (node.type === 'heading') {
      anchors.add(slugger.slug(toString(node)));
    }
  });
  return { links, anchors };
}

const EXTERNAL = /^(https?:|mailto:)/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Checks every link of the given markdown files (paths relative to `root`): a relative link must
 * name an existing file or folder, and its `#anchor` a heading of the markdown file it names (or of
 * the same file). External links (http, https, mailto) are not followed; other schemes are refused.
 * A link starting with `/` is read from `root`, as GitHub reads it from the repository's root.
 */
export function checkLinks(root: string, files: string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (file: string): Set<string> => {
    let set = anchorsOf.get(file);
    if (!set) {
      set = readMarkdown(readFileSync(path.join(root, file), 'utf8')).anchors;
      anchorsOf.set(file, set);
    }
    return set;
  };

  for (const file of files) {
    const { links } = readMarkdown(readFileSync(path.join(root, file), 'utf8'));
    for (const { url, line } of links) {
      const report = (reason: string) => broken.push({ file, line, url, reason });
      if (EXTERNAL.test(url)) continue;
      if (ANY_SCHEME.test(url)) {
        report('not a relative link and not http(s) or mailto');
        continue;
      }
      const hash = url.indexOf('#');
      const rawPath = hash < 0 ? url : url.slice(0, hash);
      const anchor = hash < 0 ? undefined : url.slice(hash + 1);
      let target: string;
      try {
        const decoded = decodeURIComponent(rawPath.split('?')[0] ?? '');
        target =
          decoded === ''
            ? file
            : decoded.startsWith('/')
              ? path.normalize(decoded.slice(1))
              : path.join(path.dirname(file), decoded);
      } catch {
        report('malformed percent-encoding');
        continue;
      }
      if (target.startsWith('..') || path.isAbsolute(target)) {
        report('leads outside the repository');
        continue;
      }
      if (!existsSync(path.join(root, target))) {
        report(`no such file: ${target}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!target.endsWith('.md') || !statSync(path.join(root, target)).isFile()) {
        report(`an anchor on ${target}, which is not a markdown file`);
        continue;
      }
      if (!anchors(target).has(decodeURIComponent(anchor))) {
        report(`no heading #${anchor} in ${target}`);
      }
    }
  }
  return broken;
}

/** README.md and every markdown file under docs/, relative to `root`. */
export function projectMarkdownFiles(root: string): string[] {
  const docs = existsSync(path.join(root, 'docs'))
    ? readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.md'))
        .map((name) => path.join('docs', name))
    : [];
  return ['README.md', ...docs.sort()];
}
