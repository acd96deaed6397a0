/**
 * Block Kit interactive elements, written once and used in messages, modals and App Home.
 * In an input block an element only changes the view's state; elsewhere (actions blocks,
 * section accessories) a change is an action sent to the app at once, as in Slack.
 */
import { useState } from 'preact/hooks';
import type { Obj } from './api.js';
import { useDirectory } from './directory.js';
import { Text, type TextObject } from './rich-text.js';

export interface OptionObject {
  text: TextObject;
  value: string;
  description?: TextObject;
}

export type Element = Obj & {
  type: string;
  action_id?: string;
  placeholder?: TextObject;
  options?: OptionObject[];
  option_groups?: { label: TextObject; options: OptionObject[] }[];
};

/** What an element reports: its Slack state value (and, for a click, the action fields). */
export interface ElementProps {
  element: Element;
  blockId: string;
  /** The current state value (`{ type, value }`, `{ type, selected_option }`, …). */
  value: Obj | undefined;
  /** A new state value; `fire` says it is an action to send now (a click, a selection). */
  onChange(value: Obj, fire: boolean): void;
  /** In an input block changes are state only; elsewhere they are actions. */
  inInput: boolean;
  invalid?: boolean;
  label?: string;
}

export function optionsOf(element: Element): OptionObject[] {
  return element.options ?? element.option_groups?.flatMap((g) => g.options) ?? [];
}

const plain = (t: TextObject | undefined) => t?.text ?? '';

/** The state Slack starts an element with, from its initial_* fields. */
export function initialValue(element: Element): Obj | undefined {
  const type = element.type;
  const e = element as Obj;
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type, value: typeof e.initial_value === 'string' ? e.initial_value : null };
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: e.initial_option ?? null };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: e.initial_options ?? [] };
    case 'users_select':
      return { type, selected_user: e.initial_user ?? null };
    case 'multi_users_select':
      return { type, selected_users: e.initial_users ?? [] };
    case 'conversations_select':
      return { type, selected_conversation: e.initial_conversation ?? null };
    case 'multi_conversations_select':
      return { type, selected_conversations: e.initial_conversations ?? [] };
    case 'channels_select':
      return { type, selected_channel: e.initial_channel ?? null };
    case 'multi_channels_select':
      return { type, selected_channels: e.initial_channels ?? [] };
    case 'datepicker':
      return { type, selected_date: e.initial_date ?? null };
    case 'timepicker':
      return { type, selected_time: e.initial_time ?? null };
    default:
      return undefined;
  }
}

export function ElementView(props: ElementProps) {
  const { element } = props;
  switch (element.type) {
    case 'button':
      return <Button {...props} />;
    case 'overflow':
      return <Overflow {...props} />;
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return <TextInput {...props} />;
    case 'static_select':
    case 'multi_static_select':
      return <StaticSelect {...props} />;
    case 'users_select':
    case 'multi_users_select':
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select':
      return <DirectorySelect {...props} />;
    case 'datepicker':
    case 'timepicker':
      return <DateInput {...props} />;
    case 'checkboxes':
    case 'radio_buttons':
      return <Choices {...props} />;
    case 'image':
      return <ImageLink image={element} />;
    default:
      return <span class="unsupported">[{element.type}]</span>;
  }
}

export function ImageLink({ image }: { image: Obj }) {
  const url = typeof image.image_url === 'string' ? image.image_url : '';
  const alt = typeof image.alt_text === 'string' ? image.alt_text : 'image';
  if (!/^https?:\/\//i.test(url)) return <span class="image-link">🖼 {alt}</span>;
  return (
    <a class="image-link" href={url} target="_blank" rel="noopener noreferrer">
      [image] {alt}
    </a>
  );
}

function Button({ element, onChange }: ElementProps) {
  const [confirming, setConfirming] = useState(false);
  const confirm = element.confirm as Obj | undefined;
  const style = typeof element.style === 'string' ? element.style : 'default';
  const url =
    typeof element.url === 'string' && /^https?:\/\//i.test(element.url) ? element.url : '';
  const click = () => {
    const fields: Obj = { type: 'button', text: element.text, value: element.value ?? '' };
    if (url) window.open(url, '_blank', 'noopener');
    onChange(fields, true);
  };
  return (
    <>
      <button
        type="button"
        class={`bk-button bk-${style}`}
        onClick={() => (confirm ? setConfirming(true) : click())}
      >
        <Text text={element.text as TextObject} />
      </button>
      {confirming && confirm ? (
        <ConfirmDialog
          confirm={confirm}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            click();
          }}
        />
      ) : null}
    </>
  );
}

function ConfirmDialog(props: { confirm: Obj; onCancel(): void; onConfirm(): void }) {
  const c = props.confirm;
  const danger = c.style === 'danger';
  return (
    <div class="overlay">
      <div class="dialog" role="alertdialog" aria-label={plain(c.title as TextObject)}>
        <h2>
          <Text text={c.title as TextObject} />
        </h2>
        <p>
          <Text text={c.text as TextObject} />
        </p>
        <div class="dialog-buttons">
          <button type="button" class="bk-button" onClick={props.onCancel}>
            <Text text={(c.deny as TextObject) ?? { type: 'plain_text', text: 'Cancel' }} />
          </button>
          <button
            type="button"
            class={`bk-button ${danger ? 'bk-danger' : 'bk-primary'}`}
            onClick={props.onConfirm}
          >
            <Text text={(c.confirm as TextObject) ?? { type: 'plain_text', text: 'Yes' }} />
          </button>
        </div>
      </div>
    </div>
  );
}

function Overflow({ element, onChange }: ElementProps) {
  const [open, setOpen] = useState(false);
  return (
    <span class="overflow">
      <button
        type="button"
        class="bk-button"
        aria-label="More actions"
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open ? (
        <div class="menu" role="menu">
          {optionsOf(element).map((o) => (
            <div key={o.value}>
              <button
                type="button"
                role="menuitem"
                onClick={() => {
                  setOpen(false);
                  onChange({ type: 'overflow', selected_option: o }, true);
                }}
              >
                <Text text={o.text} />
              </button>
            </div>
          ))}
        </div>
      ) : null}
    </span>
  );
}

function TextInput({ element, value, onChange, invalid, label }: ElementProps) {
  const type = element.type;
  const current = typeof value?.value === 'string' ? value.value : '';
  const common = {
    'aria-label': label,
    'aria-invalid': invalid ? ('true' as const) : undefined,
    placeholder: plain(element.placeholder),
    value: current,
    maxLength: typeof element.max_length === 'number' ? element.max_length : undefined,
    onInput: (e: Event) =>
      onChange({ type, value: (e.currentTarget as HTMLInputElement).value || null }, false),
  };
  if (type === 'plain_text_input' && element.multiline === true) {
    return <textarea class="bk-input" rows={4} {...common} />;
  }
  const inputType =
    type === 'number_input'
      ? 'number'
      : type === 'email_text_input'
        ? 'email'
        : type === 'url_text_input'
          ? 'url'
          : 'text';
  return (
    <input
      class="bk-input"
      type={inputType}
      step={type === 'number_input' && element.is_decimal_allowed !== true ? 1 : 'any'}
      min={typeof element.min_value === 'string' ? element.min_value : undefined}
      max={typeof element.max_value === 'string' ? element.max_value : undefined}
      {...common}
    />
  );
}

function StaticSelect({ element, value, onChange, inInput, label }: ElementProps) {
  const options = optionsOf(element);
  const multi = element.type === 'multi_static_select';
  const selected = multi
    ? ((value?.selected_options as OptionObject[] | undefined) ?? []).map((o) => o.value)
    : [(value?.selected_option as OptionObject | null | undefined)?.value ?? ''];
  const change = (e: Event) => {
    const select = e.currentTarget as HTMLSelectElement;
    const picked = [...select.selectedOptions].map((o) => o.value);
    const chosen = options.filter((o) => picked.includes(o.value));
    const next = multi
      ? { type: element.type, selected_options: chosen }
      : { type: element.type, selected_option: chosen[0] ?? null };
    onChange(next, !inInput || element.dispatch_action === true);
  };
  return (
    <select
      class="bk-select"
      multiple={multi}
      aria-label={label ?? plain(element.placeholder)}
      onChange={change}
    >
      {multi ? null : (
        <option value="" selected={selected[0] === ''}>
          {plain(element.placeholder) || 'Select an option'}
        </option>
      )}
      {element.option_groups
        ? element.option_groups.map((g) => (
            <optgroup key={plain(g.label)} label={plain(g.label)}>
              {g.options.map((o) => (
                <option key={o.value} value={o.value} selected={selected.includes(o.value)}>
                  {plain(o.text)}
                </option>
              ))}
            </optgroup>
          ))
        : options.map((o) => (
            <option key={o.value} value={o.value} selected={selected.includes(o.value)}>
              {plain(o.text)}
            </option>
          ))}
    </select>
  );
}

const DIRECTORY_FIELD: Record<string, string> = {
  users_select: 'selected_user',
  multi_users_select: 'selected_users',
  conversations_select: 'selected_conversation',
  multi_conversations_select: 'selected_conversations',
  channels_select: 'selected_channel',
  multi_channels_select: 'selected_channels',
};

function DirectorySelect({ element, value, onChange, inInput, label }: ElementProps) {
  const directory = useDirectory();
  const type = element.type;
  const field = DIRECTORY_FIELD[type]!;
  const multi = type.startsWith('multi_');
  const users = type.includes('users');
  const choices = users
    ? directory.people.filter((p) => !p.isBot).map((p) => ({ id: p.id, name: p.realName }))
    : directory.channels.map((c) => ({ id: c.id, name: `#${c.name}` }));
  const raw = value?.[field];
  const selected = multi
    ? ((raw as string[] | undefined) ?? [])
    : [typeof raw === 'string' ? raw : ''];
  const change = (e: Event) => {
    const picked = [...(e.currentTarget as HTMLSelectElement).selectedOptions]
      .map((o) => o.value)
      .filter(Boolean);
    onChange(
      { type, [field]: multi ? picked : (picked[0] ?? null) },
      !inInput || element.dispatch_action === true,
    );
  };
  return (
    <select
      class="bk-select"
      multiple={multi}
      aria-label={label ?? plain(element.placeholder)}
      onChange={change}
    >
      {multi ? null : (
        <option value="" selected={selected[0] === ''}>
          {plain(element.placeholder) || (users ? 'Select a person' : 'Select a channel')}
        </option>
      )}
      {choices.map((c) => (
        <option key={c.id} value={c.id} selected={selected.includes(c.id)}>
          {c.name}
        </option>
      ))}
    </select>
  );
}

function DateInput({ element, value, onChange, inInput, label, invalid }: ElementProps) {
  const date = element.type === 'datepicker';
  const field = date ? 'selected_date' : 'selected_time';
  const current = typeof value?.[field] === 'string' ? (value[field] as string) : '';
  return (
    <input
      class="bk-input"
      type={date ? 'date' : 'time'}
      aria-label={label ?? plain(element.placeholder)}
      aria-invalid={invalid ? 'true' : undefined}
      value={current}
      onChange={(e) =>
        onChange(
          { type: element.type, [field]: (e.currentTarget as HTMLInputElement).value || null },
          !inInput || element.dispatch_action === true,
        )
      }
    />
  );
}

function Choices({ element, value, onChange, inInput, blockId }: ElementProps) {
  const radio = element.type === 'radio_buttons';
  const options = optionsOf(element);
  const selected = radio
    ? [(value?.selected_option as OptionObject | null | undefined)?.value]
    : ((value?.selected_options as OptionObject[] | undefined) ?? []).map((o) => o.value);
  const toggle = (option: OptionObject, checked: boolean) => {
    const next = radio
      ? { type: element.type, selected_option: option }
      : {
          type: element.type,
          selected_options: options.filter((o) =>
            o.value === option.value ? checked : selected.includes(o.value),
          ),
        };
    onChange(next, !inInput || element.dispatch_action === true);
  };
  return (
    <div class="bk-choices" role={radio ? 'radiogroup' : 'group'}>
      {options.map((o) => (
        <label key={o.value} class="bk-choice">
          <input
            type={radio ? 'radio' : 'checkbox'}
            name={`${blockId}/${element.action_id ?? ''}`}
            checked={selected.includes(o.value)}
            onChange={(e) => toggle(o, (e.currentTarget as HTMLInputElement).checked)}
          />
          <span>
            <Text text={o.text} />
            {o.description ? (
              <small>
                <Text text={o.description} />
              </small>
            ) : null}
          </span>
        </label>
      ))}
    </div>
  );
}
