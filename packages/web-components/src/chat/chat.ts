import { MinimeetChat } from './chat.component.js';

export * from './chat.component.js';
export default MinimeetChat;

MinimeetChat.define('minimeet-chat');

declare global {
  interface HTMLElementTagNameMap {
    'minimeet-chat': MinimeetChat;
  }
}
