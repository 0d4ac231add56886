/** A fenced code block of a Markdown document. */
export interface CodeBlock {
  /** The info string's first word (`sh`, `graphql`, `ts`); empty when the fence has none. */
  lang: string;
  /** The text between the fences, without the final newline. */
  code: string;
  /** 1-based line of the opening fence, for messages that point into the document. */
  line: number;
}

/** Every fenced block (``` or ~~~), in document order. */
export function markdownBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s{0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    // A closing fence is at least as long as the opening one, of the same character.
    while (j < lines.length && !new RegExp(`^\\s{0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(lines[j] ?? '')) {
      const text = lines[j] ?? '';
      body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      j++;
    }
    blocks.push({ lang, code: body.join('\n'), line: i + 1 });
    i = j;
  }
  return blocks;
}
