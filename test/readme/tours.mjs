// Reading the README's tours: which shell blocks run, how a block is cut into steps, and how the
// answer a step printed is compared with the `# →` lines the README shows under it.

const ARROW = "# → ";

/** The marked blocks of a Markdown text, in order: [{tour, line, code}]. */
export const tourBlocks = (markdown) => {
  const blocks = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```sh\s+tour=([a-z0-9-]+)\s*$/.exec(lines[i]);
    if (!open) continue;
    const body = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```") body.push(lines[j++]);
    if (j === lines.length) throw new Error(`README.md:${i + 1}: the block is never closed`);
    blocks.push({ tour: open[1], line: i + 1, code: body.join("\n") });
    i = j;
  }
  return blocks;
};

/**
 * A block cut into steps: the commands up to a run of `# →` lines, and what they must print.
 * Returns the script to run (a marker printed before each step) and the expectations per step.
 */
export const instrument = (code) => {
  const steps = [{ commands: [], expected: [] }];
  for (const line of code.split("\n")) {
    const trimmed = line.trimStart();
    if (trimmed.startsWith(ARROW)) {
      steps.at(-1).expected.push(trimmed.slice(ARROW.length));
      continue;
    }
    if (steps.at(-1).expected.length > 0) steps.push({ commands: [], expected: [] });
    steps.at(-1).commands.push(line);
  }
  const script = steps.map((step, n) => `printf '\\n@@STEP ${n}\\n'\n${step.commands.join("\n")}`).join("\n");
  return { script, steps };
};

/** `…` is anything (also across lines); everything else is literal; surrounding space is ignored. */
export const matches = (expected, actual) => {
  const pattern = expected
    .split("…")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*?");
  return new RegExp(`^${pattern}$`).test(actual.trim());
};

/** A heading's anchor as GitHub makes it: lowercase, punctuation dropped, spaces to dashes. */
export const anchorOf = (heading) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");

/** The relative links of a Markdown text outside code: [{target, anchor, line}]. */
export const relativeLinks = (markdown) => {
  const links = [];
  let inCode = false;
  markdown.split("\n").forEach((line, i) => {
    if (line.startsWith("```")) inCode = !inCode;
    if (inCode) return;
    for (const [, href] of line.replaceAll(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(href)) continue;
      const [target, anchor] = href.split("#");
      links.push({ target, anchor, line: i + 1 });
    }
  });
  return links;
};

/** Every anchor the headings of a Markdown text make (outside code). */
export const anchors = (markdown) => {
  const found = new Set();
  let inCode = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    const heading = !inCode && /^#{1,6} (.+)$/.exec(line);
    if (heading) found.add(anchorOf(heading[1].replaceAll("`", "")));
  }
  return found;
};
