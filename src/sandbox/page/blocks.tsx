/**
 * Block Kit layout blocks, written once for messages, modals and App Home: header, section
 * (text, fields, accessory), context, divider, actions, image (as a link), input (with
 * Slack's inline error on the field), and rich_text as its plain text.
 */
import type { Obj, StateValues } from './api.js';
import { type Element, ElementView, ImageLink } from './elements.js';
import { Text, type TextObject } from './rich-text.js';

export interface BlockHandlers {
  /** The state of a view's inputs (empty for messages). */
  values: StateValues;
  /** Inline errors by block id (a modal's `response_action: errors`). */
  errors?: Record<string, string>;
  /** A state change of an input element. */
  onValue(blockId: string, actionId: string, value: Obj): void;
  /** An action: a click or a selection outside an input block. */
  onAction(blockId: string, element: Element, fields: Obj): void;
}

type Block = Obj & { type: string; block_id?: string };

export function Blocks({ blocks, handlers }: { blocks: unknown[]; handlers: BlockHandlers }) {
  return (
    <div class="blocks">
      {(blocks as Block[]).map((block, i) => (
        <BlockView key={block.block_id ?? `#${i}`} block={block} index={i} handlers={handlers} />
      ))}
    </div>
  );
}

function elementProps(
  blockId: string,
  element: Element,
  handlers: BlockHandlers,
  inInput: boolean,
  label?: string,
) {
  const actionId = element.action_id ?? '';
  return {
    element,
    blockId,
    inInput,
    label,
    invalid: inInput && handlers.errors?.[blockId] !== undefined,
    value: handlers.values[blockId]?.[actionId],
    onChange: (value: Obj, fire: boolean) => {
      handlers.onValue(blockId, actionId, value);
      if (fire) handlers.onAction(blockId, element, value);
    },
  };
}

function BlockView({
  block,
  index,
  handlers,
}: {
  block: Block;
  index: number;
  handlers: BlockHandlers;
}) {
  const blockId = block.block_id ?? `block-${index}`;
  switch (block.type) {
    case 'header':
      return (
        <h3 class="bk-header">
          <Text text={block.text as TextObject} />
        </h3>
      );
    case 'divider':
      return <hr class="bk-divider" />;
    case 'section': {
      const accessory = block.accessory as Element | undefined;
      return (
        <div class="bk-section" data-block-id={blockId}>
          <div class="bk-section-body">
            {block.text ? (
              <div class="bk-text">
                <Text text={block.text as TextObject} />
              </div>
            ) : null}
            {Array.isArray(block.fields) ? (
              <div class="bk-fields">
                {(block.fields as TextObject[]).map((f, i) => (
                  <div key={i} class="bk-field">
                    <Text text={f} />
                  </div>
                ))}
              </div>
            ) : null}
          </div>
          {accessory ? (
            <div class="bk-accessory">
              <ElementView {...elementProps(blockId, accessory, handlers, false)} />
            </div>
          ) : null}
        </div>
      );
    }
    case 'context':
      return (
        <div class="bk-context">
          {((block.elements as Obj[]) ?? []).map((e, i) =>
            e.type === 'image' ? (
              <ImageLink key={i} image={e} />
            ) : (
              <span key={i}>
                <Text text={e as TextObject} />
              </span>
            ),
          )}
        </div>
      );
    case 'actions':
      return (
        <div class="bk-actions" data-block-id={blockId}>
          {((block.elements as Element[]) ?? []).map((e, i) => (
            <ElementView key={e.action_id ?? i} {...elementProps(blockId, e, handlers, false)} />
          ))}
        </div>
      );
    case 'image':
      return (
        <div class="bk-image">
          {block.title ? <Text text={block.title as TextObject} /> : null}{' '}
          <ImageLink image={block} />
        </div>
      );
    case 'input': {
      const element = block.element as Element;
      const label = (block.label as TextObject | undefined)?.text ?? '';
      const error = handlers.errors?.[blockId];
      return (
        <div class={`bk-input-block${error ? ' has-error' : ''}`} data-block-id={blockId}>
          <div class="bk-label">
            {label}
            {block.optional === true ? <span class="optional"> (optional)</span> : null}
          </div>
          <ElementView
            {...elementProps(blockId, element, handlers, block.dispatch_action !== true, label)}
          />
          {error ? (
            <div class="bk-error" role="alert">
              {error}
            </div>
          ) : null}
          {block.hint ? (
            <div class="bk-hint">
              <Text text={block.hint as TextObject} />
            </div>
          ) : null}
        </div>
      );
    }
    case 'rich_text':
      return <div class="bk-text">{richText(block)}</div>;
    default:
      return <div class="unsupported">[unsupported block: {block.type}]</div>;
  }
}

function richText(node: unknown): string {
  if (typeof node !== 'object' || node === null) return '';
  const n = node as Obj;
  if (typeof n.text === 'string') return n.text;
  if (Array.isArray(n.elements)) return n.elements.map(richText).join('');
  return '';
}
