/** Slack text objects rendered as elements: plain_text as text, mrkdwn through the parser. */
import type { ComponentChildren } from 'preact';
import { useDirectory } from './directory.js';
import { type MrkdwnNode, parseMrkdwn } from './mrkdwn.js';

export interface TextObject {
  type?: string;
  text?: string;
  emoji?: boolean;
}

function Nodes({ nodes }: { nodes: MrkdwnNode[] }) {
  return (
    <>
      {nodes.map((node, i) => (
        <Node key={i} node={node} />
      ))}
    </>
  );
}

function Node({ node }: { node: MrkdwnNode }): ComponentChildren {
  const directory = useDirectory();
  switch (node.t) {
    case 'text':
      return node.v;
    case 'br':
      return <br />;
    case 'bold':
      return (
        <b>
          <Nodes nodes={node.c} />
        </b>
      );
    case 'italic':
      return (
        <i>
          <Nodes nodes={node.c} />
        </i>
      );
    case 'strike':
      return (
        <s>
          <Nodes nodes={node.c} />
        </s>
      );
    case 'code':
      return <code>{node.v}</code>;
    case 'pre':
      return <pre>{node.v}</pre>;
    case 'quote':
      return (
        <blockquote>
          <Nodes nodes={node.c} />
        </blockquote>
      );
    case 'link':
      return (
        <a href={node.url} target="_blank" rel="noopener noreferrer">
          <Nodes nodes={node.c} />
        </a>
      );
    case 'user':
      return <span class="mention">@{directory.personName(node.id) ?? node.label ?? node.id}</span>;
    case 'channel':
      return (
        <span class="mention">#{directory.channelName(node.id) ?? node.label ?? node.id}</span>
      );
    case 'special':
      return <span class="mention">{node.v}</span>;
  }
}

export function Mrkdwn({ text }: { text: string }) {
  return <Nodes nodes={parseMrkdwn(text)} />;
}

/** A Block Kit text object. */
export function Text({ text }: { text: TextObject | undefined }) {
  if (!text?.text) return null;
  if (text.type === 'mrkdwn') return <Mrkdwn text={text.text} />;
  return <>{text.text}</>;
}
