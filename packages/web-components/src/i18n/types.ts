import type { en } from './en.js';

/** A key of the message catalogue. */
export type MessageKey = keyof typeof en;

/** A plural message: one text per `Intl.PluralRules` category, `other` required. */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** One message: a text with `{param}` placeholders, or plural forms chosen by `count`. */
export type Message = string | PluralMessage;

/** A whole or partial catalogue: any subset of the English keys. */
export type Messages = Partial<Record<MessageKey, Message>>;

/** A complete catalogue: a text for every key. */
export type Catalogue = Record<MessageKey, Message>;

/** The parameters a message is formatted with. */
export type MessageParams = Readonly<Record<string, string | number>>;
