// TEMPORARY: stands in for the foundation's LocalizeController until branch `element` lands.
import type { ReactiveController, ReactiveElement } from 'lit';

type Plural = Partial<Record<Intl.LDMLPluralRule | 'zero', string>> & { other: string };
const strings: Record<string, string | Plural> = {};

/** Adds English strings to the shim. */
export function addStrings(more: Record<string, string | Plural>): void {
  Object.assign(strings, more);
}

/** A stand-in for the foundation's `LocalizeController`. */
export class LocalizeController implements ReactiveController {
  constructor(private readonly host: ReactiveElement) {
    host.addController(this);
  }
  get lang(): string {
    return (
      this.host.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en'
    );
  }
  get dir(): 'ltr' | 'rtl' {
    return this.lang.startsWith('ar') ? 'rtl' : 'ltr';
  }
  t(key: string, params: Record<string, string | number> = {}): string {
    const message = strings[key] ?? key;
    let text: string;
    if (typeof message === 'string') text = message;
    else {
      const n = Number(params.count ?? 0);
      text =
        n === 0 && message.zero !== undefined
          ? message.zero
          : (message[new Intl.PluralRules(this.lang).select(n)] ?? message.other);
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  }
  date(value: Date | string | number, options?: Intl.DateTimeFormatOptions): string {
    return new Intl.DateTimeFormat(this.lang, options).format(new Date(value));
  }
  number(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(this.lang, options).format(value);
  }
  hostConnected(): void {}
}
