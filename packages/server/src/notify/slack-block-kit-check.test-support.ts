/**
 * The stand-in's check of Block Kit messages against Slack's documented structure and limits
 * (https://docs.slack.dev/reference/block-kit): what Slack itself would answer `invalid_blocks` to.
 * Returns the problems found; an empty list means Slack would accept the blocks.
 */
export function blockKitProblems(blocks: unknown, text: unknown): string[] {
  const problems: string[] = [];
  if (text !== undefined && (typeof text !== 'string' || text.length > 40_000))
    problems.push('text: at most 40000 characters');
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50) {
    return [...problems, 'blocks: an array of 1 to 50 blocks'];
  }
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `blocks[${i}]`;
    if (!isRecord(block)) {
      problems.push(`${at}: not an object`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255)
        problems.push(`${at}.block_id: at most 255`);
      else if (blockIds.has(block.block_id)) problems.push(`${at}.block_id: duplicate ${block.block_id}`);
      else blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'header':
        textObject(block.text, `${at}.text`, 150, problems, ['plain_text']);
        break;
      case 'section':
        if (block.text === undefined && block.fields === undefined) problems.push(`${at}: text or fields required`);
        if (block.text !== undefined) textObject(block.text, `${at}.text`, 3000, problems);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > 10) {
            problems.push(`${at}.fields: 1 to 10 text objects`);
          } else for (const [j, f] of block.fields.entries()) textObject(f, `${at}.fields[${j}]`, 2000, problems);
        }
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
          problems.push(`${at}.elements: 1 to 10 elements`);
        } else for (const [j, e] of block.elements.entries()) textObject(e, `${at}.elements[${j}]`, 3000, problems);
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
          problems.push(`${at}.elements: 1 to 25 elements`);
        } else for (const [j, e] of block.elements.entries()) button(e, `${at}.elements[${j}]`, actionIds, problems);
        break;
      case 'rich_text':
        richText(block.elements, `${at}.elements`, problems);
        break;
      case 'divider':
        break;
      default:
        problems.push(`${at}.type: unsupported ${String(block.type)}`);
    }
  });
  return problems;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function textObject(
  value: unknown,
  at: string,
  max: number,
  problems: string[],
  types: string[] = ['plain_text', 'mrkdwn'],
): void {
  if (!isRecord(value) || !types.includes(String(value.type))) {
    problems.push(`${at}: a ${types.join(' or ')} text object`);
    return;
  }
  if (typeof value.text !== 'string' || value.text.length === 0 || value.text.length > max) {
    problems.push(`${at}.text: 1 to ${max} characters`);
  }
}

function button(value: unknown, at: string, actionIds: Set<string>, problems: string[]): void {
  if (!isRecord(value) || value.type !== 'button') {
    problems.push(`${at}: only buttons are expected here`);
    return;
  }
  textObject(value.text, `${at}.text`, 75, problems, ['plain_text']);
  if (typeof value.action_id !== 'string' || value.action_id.length === 0 || value.action_id.length > 255) {
    problems.push(`${at}.action_id: 1 to 255 characters`);
  } else if (actionIds.has(value.action_id)) problems.push(`${at}.action_id: duplicate in the message`);
  else actionIds.add(value.action_id);
  if (value.value !== undefined && (typeof value.value !== 'string' || value.value.length > 2000)) {
    problems.push(`${at}.value: at most 2000 characters`);
  }
  if (value.url !== undefined && (typeof value.url !== 'string' || value.url.length > 3000)) {
    problems.push(`${at}.url: at most 3000 characters`);
  }
  if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
    problems.push(`${at}.style: primary or danger`);
  }
  if (value.confirm !== undefined) {
    const c = value.confirm;
    if (!isRecord(c)) problems.push(`${at}.confirm: an object`);
    else {
      textObject(c.title, `${at}.confirm.title`, 100, problems, ['plain_text']);
      textObject(c.text, `${at}.confirm.text`, 300, problems);
      textObject(c.confirm, `${at}.confirm.confirm`, 30, problems, ['plain_text']);
      textObject(c.deny, `${at}.confirm.deny`, 30, problems, ['plain_text']);
    }
  }
}

function richText(elements: unknown, at: string, problems: string[]): void {
  const kinds = ['rich_text_section', 'rich_text_preformatted', 'rich_text_quote', 'rich_text_list'];
  if (!Array.isArray(elements) || elements.length === 0) {
    problems.push(`${at}: at least one element`);
    return;
  }
  elements.forEach((element, i) => {
    if (!isRecord(element) || !kinds.includes(String(element.type)) || !Array.isArray(element.elements)) {
      problems.push(`${at}[${i}]: one of ${kinds.join(', ')} with elements`);
      return;
    }
    element.elements.forEach((inner, j) => {
      if (!isRecord(inner) || inner.type !== 'text' || typeof inner.text !== 'string' || inner.text === '') {
        problems.push(`${at}[${i}].elements[${j}]: a non-empty text element`);
      }
    });
  });
}
