import { css } from 'lit';

/** Styles of `<minimeet-chat>`; colours and sizes are `--minimeet-…` custom properties. */
export const chatStyles = css`
  :host {
    --_surface: var(--mm-surface);
    --_raised: var(--mm-surface-2);
    --_text: var(--mm-text);
    --_muted: var(--mm-text-muted);
    --_border: var(--mm-border);
    --_accent: var(--mm-accent);
    --_on-accent: var(--mm-on-accent);
    --_danger: var(--mm-danger);
    --_highlight: var(--minimeet-color-highlight, light-dark(#fde68a, #854d0e));
    --_on-highlight: var(--minimeet-color-on-highlight, light-dark(#1f1300, #fff7e0));
    --_avatar: var(--minimeet-chat-avatar-size, 2rem);
    display: block;
    min-height: 0;
    height: 100%;
    color: var(--_text);
    background: var(--_surface);
  }

  button,
  textarea {
    font: inherit;
    color: inherit;
  }

  .base {
    position: relative;
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
  }

  /* Header */

  .header {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    min-height: 3.25rem;
    padding: 0.5rem 0.5rem 0.5rem 1rem;
    padding-inline: 1rem 0.5rem;
    border-block-end: 1px solid var(--_border);
  }

  .header.compact {
    min-height: 0;
    padding-block: 0.25rem;
  }

  .title {
    margin: 0;
    font-size: 1rem;
    font-weight: 600;
  }

  .state {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    color: var(--_muted);
    font-size: 0.8125rem;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .icon-button {
    display: inline-grid;
    place-items: center;
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
    border: 0;
    border-radius: 0.5rem;
    background: transparent;
    font-size: 1.125rem;
    cursor: pointer;
  }

  .icon-button:hover {
    background: color-mix(in srgb, currentColor 12%, transparent);
  }

  .search-toggle[aria-expanded='true'] {
    background: color-mix(in srgb, var(--mm-accent) 16%, transparent);
    color: var(--mm-accent);
  }

  .icon-button.small {
    width: 1.75rem;
    height: 1.75rem;
    font-size: 1rem;
  }

  .icon-button.delete:hover {
    color: var(--_danger);
  }

  .button {
    padding: 0.4rem 0.85rem;
    border: 0;
    border-radius: 0.5rem;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
    cursor: pointer;
  }

  .text-button {
    padding: 0.25rem 0.5rem;
    border: 0;
    border-radius: 0.375rem;
    background: transparent;
    color: var(--_accent);
    font-weight: 600;
    cursor: pointer;
  }

  .text-button:hover {
    text-decoration: underline;
  }

  /* Search */

  .search-form {
    display: flex;
    gap: 0.5rem;
    padding: 0.5rem 1rem;
    border-block-end: 1px solid var(--_border);
  }

  .search-input {
    flex: 1;
    min-width: 0;
    padding: 0.4rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 0.5rem;
    background: var(--_surface);
  }

  .search-results {
    position: absolute;
    inset: 0;
    z-index: 2;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 0.25rem;
    padding: 0.5rem 0.5rem 1rem;
    overflow-y: auto;
    background: var(--_surface);
  }

  .search-status {
    margin: 0.25rem 0.5rem;
    color: var(--_muted);
    font-size: 0.8125rem;
  }

  .hits {
    align-self: stretch;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .hit {
    display: flex;
    flex-direction: column;
    gap: 0.125rem;
    width: 100%;
    padding: 0.5rem 0.75rem;
    border: 0;
    border-radius: 0.5rem;
    background: transparent;
    text-align: start;
    cursor: pointer;
  }

  .hit:hover {
    background: var(--_raised);
  }

  .hit-meta {
    display: flex;
    gap: 0.5rem;
    font-size: 0.8125rem;
  }

  .hit-meta .sender {
    font-weight: 600;
  }

  .hit-meta .time {
    color: var(--_muted);
  }

  .snippet {
    overflow-wrap: anywhere;
  }

  mark {
    padding: 0 0.1em;
    border-radius: 0.2em;
    background: var(--_highlight);
    color: var(--_on-highlight);
  }

  /* Conversation */

  .body {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }

  .scroller {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding-block: 0.5rem;
  }

  .older,
  .beginning {
    display: flex;
    justify-content: center;
    margin: 0.25rem 0 0.5rem;
    color: var(--_muted);
    font-size: 0.8125rem;
  }

  .older-loading {
    padding: 0.25rem 0;
  }

  .empty {
    margin: 2rem 1rem;
    color: var(--_muted);
    text-align: center;
  }

  .list {
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .day,
  .unread {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin: 0.75rem 1rem 0.25rem;
    color: var(--_muted);
    font-size: 0.75rem;
    font-weight: 600;
  }

  .day::before,
  .day::after,
  .unread::before,
  .unread::after {
    content: '';
    flex: 1;
    border-block-start: 1px solid var(--_border);
  }

  .unread {
    color: var(--_danger);
  }

  .unread::before,
  .unread::after {
    border-color: currentColor;
  }

  .message {
    position: relative;
    display: flex;
    align-items: flex-start;
    gap: 0.625rem;
    margin: 0 0.25rem;
    padding: var(--minimeet-chat-message-padding, 0.375rem 0.75rem);
    border-radius: 0.5rem;
  }

  .message:not(.grouped) {
    margin-block-start: 0.375rem;
  }

  .message.grouped {
    padding-block: 0.125rem;
  }

  .message:hover {
    background: color-mix(in srgb, var(--_text) 5%, transparent);
  }

  .message:focus-visible {
    outline-offset: -2px;
  }

  .message[data-own] .sender {
    color: var(--_accent);
  }

  .message.pending .content,
  .message.failed .content {
    border-inline-start: 3px solid color-mix(in srgb, var(--_accent) 45%, transparent);
    padding-inline-start: 0.5rem;
  }

  .message.found {
    background: color-mix(in srgb, var(--_highlight) 45%, transparent);
    transition: background 600ms ease;
  }

  .avatar {
    flex: none;
    display: grid;
    place-items: center;
    width: var(--_avatar);
    height: var(--_avatar);
    border-radius: 50%;
    background: hsl(var(--_hue) 50% 32%);
    color: #fff;
    font-size: 0.75rem;
    font-weight: 600;
  }

  .gutter {
    flex: none;
    width: var(--_avatar);
  }

  .content {
    flex: 1;
    min-width: 0;
  }

  .meta {
    display: flex;
    align-items: baseline;
    gap: 0.5rem;
    min-width: 0;
  }

  .sender {
    overflow: hidden;
    font-weight: 600;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .time {
    flex: none;
    color: var(--_muted);
    font-size: 0.75rem;
  }

  .text {
    margin: 0;
    overflow-wrap: anywhere;
  }

  .text .t {
    white-space: pre-wrap;
  }

  .text.is-deleted {
    color: var(--_muted);
    font-style: italic;
  }

  .edited {
    color: var(--_muted);
    font-size: 0.75rem;
  }

  .status {
    display: block;
    color: var(--_muted);
    font-size: 0.75rem;
  }

  .pending .text {
    opacity: 0.7;
  }

  .failed .content {
    border-inline-start-color: var(--_danger) !important;
  }

  .failed-status {
    color: var(--_danger);
  }

  .failed-actions {
    display: flex;
    gap: 0.25rem;
    margin-inline-start: -0.5rem;
  }

  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin: 0.25rem 0 0;
    padding: 0;
    list-style: none;
  }

  .reaction {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    min-height: 1.75rem;
    padding: 0.0625rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_raised);
    font-size: 0.875rem;
    cursor: pointer;
  }

  .reaction[aria-pressed='true'] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 14%, var(--_surface));
  }

  .reaction .count {
    font-size: 0.75rem;
    font-weight: 600;
  }

  .picker {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 0.125rem;
    margin-block-start: 0.25rem;
    padding: 0.25rem;
    border: 1px solid var(--_border);
    border-radius: 0.75rem;
    background: var(--_surface);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.12);
  }

  .emoji {
    width: 2.25rem;
    height: 2.25rem;
    padding: 0;
    border: 0;
    border-radius: 0.5rem;
    background: transparent;
    font-size: 1.25rem;
    cursor: pointer;
  }

  .emoji:hover,
  .emoji[aria-pressed='true'] {
    background: var(--_raised);
  }

  .actions {
    position: absolute;
    inset-block-start: -1.25rem;
    inset-inline-end: 0.5rem;
    z-index: 1;
    display: flex;
    gap: 0.125rem;
    padding: 0.125rem;
    border: 1px solid var(--_border);
    border-radius: 0.5rem;
    background: var(--_surface);
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.1);
    opacity: 0;
    pointer-events: none;
  }

  .message:first-child .actions {
    inset-block-start: 0.25rem;
  }

  .message:hover .actions,
  .message:focus-within .actions,
  .message:focus .actions {
    opacity: 1;
    pointer-events: auto;
  }

  @media (hover: none) {
    .actions {
      position: static;
      align-self: center;
      border: 0;
      box-shadow: none;
      opacity: 1;
      pointer-events: auto;
      background: transparent;
    }
  }

  .editor {
    display: flex;
    flex-direction: column;
    gap: 0.375rem;
    margin-block-start: 0.25rem;
  }

  .editor-input,
  .input {
    width: 100%;
    min-width: 0;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: 0.625rem;
    background: var(--_surface);
    resize: none;
    field-sizing: content;
    max-height: var(--minimeet-chat-input-max-height, 8.5rem);
  }

  .editor-actions {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 0.5rem;
  }

  .hint {
    flex: 1;
    color: var(--_muted);
    font-size: 0.75rem;
  }

  .new-messages {
    position: absolute;
    inset-block-end: 0.75rem;
    inset-inline-start: 50%;
    z-index: 1;
    display: inline-flex;
    align-items: center;
    gap: 0.375rem;
    padding: 0.375rem 0.875rem;
    border: 0;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_on-accent);
    font-size: 0.8125rem;
    font-weight: 600;
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.2);
    transform: translateX(-50%);
    cursor: pointer;
  }

  .base[dir='rtl'] .new-messages {
    transform: translateX(50%);
  }

  /* Typing, errors, composer */

  .typing {
    display: flex;
    align-items: center;
    gap: 0.375rem;
    min-height: 1.5rem;
    margin: 0;
    padding: 0 1rem;
    color: var(--_muted);
    font-size: 0.75rem;
  }

  .dots {
    display: inline-flex;
    gap: 0.15rem;
  }

  .dots span {
    width: 0.3rem;
    height: 0.3rem;
    border-radius: 50%;
    background: currentColor;
    animation: blink 1.2s infinite ease-in-out;
  }

  .dots span:nth-child(2) {
    animation-delay: 0.2s;
  }

  .dots span:nth-child(3) {
    animation-delay: 0.4s;
  }

  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.25;
    }
    40% {
      opacity: 1;
    }
  }

  .error {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0 0.75rem 0.25rem;
    padding: 0.25rem 0.25rem 0.25rem 0.75rem;
    padding-inline: 0.75rem 0.25rem;
    border-radius: 0.5rem;
    background: color-mix(in srgb, var(--_danger) 12%, var(--_surface));
    color: var(--_danger);
    font-size: 0.8125rem;
  }

  .error span {
    flex: 1;
  }

  .composer {
    display: flex;
    align-items: flex-end;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem 0.75rem;
    border-block-start: 1px solid var(--_border);
  }

  .input {
    flex: 1;
    background: var(--_raised);
    border-color: transparent;
  }

  .input:focus-visible {
    outline-offset: 0;
  }

  .send {
    flex: none;
    display: grid;
    place-items: center;
    width: 2.5rem;
    height: 2.5rem;
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_on-accent);
    font-size: 1.125rem;
    cursor: pointer;
  }

  .base[dir='rtl'] .send svg {
    transform: scaleX(-1);
  }

  .send:disabled {
    opacity: 0.45;
    cursor: default;
  }

  .read-only {
    margin: 0;
    padding: 0.75rem 1rem;
    border-block-start: 1px solid var(--_border);
    color: var(--_muted);
    font-size: 0.875rem;
  }

  @media (prefers-reduced-motion: reduce) {
    .dots span {
      animation: none;
      opacity: 0.6;
    }
    .message.found {
      transition: none;
    }
  }
`;
