/** The fenced code blocks of a Markdown file, for tests that run what the docs say, as they say it. */
import { readFileSync } from 'node:fs';

export interface DocBlock {
  /** The fence's info string: `sh`, `nginx`, `html`, … ('' for none). */
  readonly lang: string;
  readonly text: string;
  /** `file:line` of the opening fence. */
  readonly at: string;
}

const ROOT = new URL('../../../', import.meta.url);

/** Every fenced block of `file` (relative to the repository root), in order. */
export function docBlocks(file: string): DocBlock[] {
  const lines = readFileSync(new URL(file, ROOT), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\S*)\s*$/.exec(lines[i] as string);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i] as string); i += 1) body.push(lines[i] as string);
    if (i === lines.length) throw new Error(`${file}:${start + 1}: a fenced block that never closes`);
    blocks.push({ lang: open[1] ?? '', text: body.join('\n'), at: `${file}:${start + 1}` });
  }
  return blocks;
}

/** The one block of `lang` in `file`; fails when there is not exactly one. */
export function onlyBlock(file: string, lang: string): DocBlock {
  const found = docBlocks(file).filter((block) => block.lang === lang);
  if (found.length !== 1) throw new Error(`${file} has ${found.length} \`\`\`${lang} blocks; this test expects exactly one`);
  return found[0] as DocBlock;
}
