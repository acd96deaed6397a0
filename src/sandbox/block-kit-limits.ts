/**
 * Slack's Block Kit limits as a pure checker, so builders can be unit-tested against them and
 * the fake Slack server can refuse what real Slack would refuse. Unknown block and element types
 * are ignored: the checker only reports what it knows Slack would reject.
 */

/** The documented Block Kit limits this checker enforces. */
export const LIMITS = {
  messageText: 40_000,
  messageBlocks: 50,
  viewBlocks: 100,
  id: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  contextElements: 10,
  actionsElements: 25,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputMaxLength: 3000,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  choiceOptions: 10,
  overflowOptions: 5,
} as const;

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects violations in Slack's own wording: `<problem> [json-pointer:/path]`. */
class Findings {
  readonly errors: string[] = [];

  add(path: string, problem: string): void {
    this.errors.push(`${problem} [json-pointer:${path}]`);
  }

  maxLength(path: string, value: unknown, max: number): void {
    if (typeof value === 'string' && value.length > max) {
      this.add(path, `must be at most ${max} characters (got ${value.length})`);
    }
  }

  /** Returns the array's items (empty when absent or not an array), reporting excess. */
  items(path: string, value: unknown, max: number): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.add(path, 'must be an array');
      return [];
    }
    if (value.length > max) this.add(path, `must have at most ${max} items (got ${value.length})`);
    return value;
  }

  text(path: string, value: unknown, max: number, opts: { plain?: boolean; required?: boolean }) {
    if (value === undefined) {
      if (opts.required) this.add(path, 'is required');
      return;
    }
    if (!isObj(value)) {
      this.add(path, 'must be a text object');
      return;
    }
    if (opts.plain && value.type !== 'plain_text') this.add(`${path}/type`, "must be 'plain_text'");
    if (typeof value.text !== 'string' || value.text.length === 0) {
      this.add(`${path}/text`, 'must be more than 0 characters');
    } else {
      this.maxLength(`${path}/text`, value.text, max);
    }
  }
}

const SELECTS = new Set(['static_select', 'multi_static_select']);
const CHOICES = new Set(['radio_buttons', 'checkboxes']);

function checkOption(f: Findings, path: string, option: unknown, plain: boolean): void {
  if (!isObj(option)) {
    f.add(path, 'must be an option object');
    return;
  }
  f.text(`${path}/text`, option.text, LIMITS.optionText, { plain, required: true });
  f.maxLength(`${path}/value`, option.value, LIMITS.optionValue);
  f.maxLength(`${path}/url`, option.url, LIMITS.url);
  f.text(`${path}/description`, option.description, LIMITS.optionDescription, { plain: true });
}

function checkOptions(f: Findings, path: string, el: Obj, max: number, plain: boolean): void {
  f.items(`${path}/options`, el.options, max).forEach((o, i) => {
    checkOption(f, `${path}/options/${i}`, o, plain);
  });
  f.items(`${path}/option_groups`, el.option_groups, max).forEach((group, g) => {
    const options = isObj(group) ? group.options : undefined;
    f.items(`${path}/option_groups/${g}/options`, options, max).forEach((o, i) => {
      checkOption(f, `${path}/option_groups/${g}/options/${i}`, o, plain);
    });
  });
}

function checkElement(f: Findings, path: string, el: unknown): void {
  if (!isObj(el)) return;
  const type = el.type;
  f.maxLength(`${path}/action_id`, el.action_id, LIMITS.id);
  f.text(`${path}/placeholder`, el.placeholder, LIMITS.placeholder, { plain: true });
  if (type === 'button') {
    f.text(`${path}/text`, el.text, LIMITS.buttonText, { plain: true, required: true });
    f.maxLength(`${path}/value`, el.value, LIMITS.buttonValue);
    f.maxLength(`${path}/url`, el.url, LIMITS.url);
  } else if (type === 'plain_text_input') {
    if (typeof el.max_length === 'number' && el.max_length > LIMITS.plainTextInputMaxLength) {
      f.add(`${path}/max_length`, `must be at most ${LIMITS.plainTextInputMaxLength}`);
    }
  } else if (typeof type === 'string' && SELECTS.has(type)) {
    checkOptions(f, path, el, LIMITS.selectOptions, true);
  } else if (typeof type === 'string' && CHOICES.has(type)) {
    checkOptions(f, path, el, LIMITS.choiceOptions, false);
  } else if (type === 'overflow') {
    checkOptions(f, path, el, LIMITS.overflowOptions, true);
  }
}

function checkBlock(f: Findings, path: string, block: unknown): void {
  if (!isObj(block)) {
    f.add(path, 'must be a block object');
    return;
  }
  f.maxLength(`${path}/block_id`, block.block_id, LIMITS.id);
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        f.add(path, 'must have text or fields');
      }
      f.text(`${path}/text`, block.text, LIMITS.sectionText, {});
      f.items(`${path}/fields`, block.fields, LIMITS.sectionFields).forEach((field, i) => {
        f.text(`${path}/fields/${i}`, field, LIMITS.sectionField, { required: true });
      });
      checkElement(f, `${path}/accessory`, block.accessory);
      break;
    }
    case 'header':
      f.text(`${path}/text`, block.text, LIMITS.headerText, { plain: true, required: true });
      break;
    case 'actions':
      f.items(`${path}/elements`, block.elements, LIMITS.actionsElements).forEach((el, i) => {
        checkElement(f, `${path}/elements/${i}`, el);
      });
      break;
    case 'context':
      f.items(`${path}/elements`, block.elements, LIMITS.contextElements);
      break;
    case 'input':
      f.text(`${path}/label`, block.label, LIMITS.inputLabel, { plain: true, required: true });
      f.text(`${path}/hint`, block.hint, LIMITS.inputHint, { plain: true });
      if (block.element === undefined) f.add(`${path}/element`, 'is required');
      checkElement(f, `${path}/element`, block.element);
      break;
  }
}

function checkBlocks(f: Findings, blocks: unknown, max: number): void {
  const seen = new Set<unknown>();
  f.items('/blocks', blocks, max).forEach((block, i) => {
    checkBlock(f, `/blocks/${i}`, block);
    const id = isObj(block) ? block.block_id : undefined;
    if (id === undefined) return;
    if (seen.has(id)) f.add(`/blocks/${i}/block_id`, `duplicate block_id '${String(id)}'`);
    seen.add(id);
  });
}

/** Lists every Block Kit limit the message breaks; empty means Slack would accept it. */
export function checkMessage(message: { text?: unknown; blocks?: unknown }): string[] {
  const f = new Findings();
  f.maxLength('/text', message.text, LIMITS.messageText);
  checkBlocks(f, message.blocks, LIMITS.messageBlocks);
  return f.errors;
}

/** Lists every Block Kit limit the modal or App Home view breaks; empty means Slack would accept it. */
export function checkView(view: unknown): string[] {
  const f = new Findings();
  if (!isObj(view)) {
    f.add('/', 'view must be an object');
    return f.errors;
  }
  if (view.type !== 'modal' && view.type !== 'home') f.add('/type', "must be 'modal' or 'home'");
  if (view.blocks === undefined) f.add('/blocks', 'is required');
  checkBlocks(f, view.blocks, LIMITS.viewBlocks);
  f.maxLength('/private_metadata', view.private_metadata, LIMITS.privateMetadata);
  f.maxLength('/callback_id', view.callback_id, LIMITS.id);
  f.maxLength('/external_id', view.external_id, LIMITS.id);
  if (view.type === 'modal') {
    f.text('/title', view.title, LIMITS.viewTitle, { plain: true, required: true });
    f.text('/submit', view.submit, LIMITS.viewButton, { plain: true });
    f.text('/close', view.close, LIMITS.viewButton, { plain: true });
    const hasInput =
      Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      f.add('/submit', 'is required when the view has input blocks');
    }
  }
  return f.errors;
}
