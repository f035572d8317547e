import { describe, expect, it } from 'vitest';
import { ar } from './ar.js';
import { de } from './de.js';
import { en } from './en.js';
import { directionOf, registerMessages, translate } from './localize.js';

describe('translate()', () => {
  it('formats a message with its parameters in the requested language', () => {
    expect(translate('en', 'toast.participantJoined', { name: 'Ada' })).toBe('Ada joined');
    expect(translate('de', 'toast.participantJoined', { name: 'Ada' })).toBe('Ada ist beigetreten');
    expect(translate('ar', 'toast.participantJoined', { name: 'Ada' })).toBe('انضم Ada');
  });

  it('falls back from a regional tag to its language, and from an unknown language to English', () => {
    expect(translate('de-AT', 'controls.leave')).toBe('Verlassen');
    expect(translate('pt_BR', 'controls.leave')).toBe('Leave');
  });

  it('chooses plural forms with the language’s rules, and an explicit zero', () => {
    expect(translate('en', 'participants.count', { count: 1 })).toBe('1 participant');
    expect(translate('en', 'participants.count', { count: 3 })).toBe('3 participants');
    expect(translate('ar', 'participants.count', { count: 2 })).toBe('مشاركان');
    expect(translate('ar', 'participants.count', { count: 5 })).toBe('5 مشاركين');
    expect(translate('en', 'chat.searchResults', { count: 0 })).toBe('No results');
  });

  it('lets overrides and registered messages replace the catalogue', () => {
    expect(translate('en', 'controls.leave', {}, { 'controls.leave': 'End visit' })).toBe(
      'End visit',
    );
    registerMessages('fr', { 'controls.leave': 'Quitter' });
    expect(translate('fr-CA', 'controls.leave')).toBe('Quitter');
    expect(translate('fr', 'controls.chat')).toBe('Chat');
  });

  it('knows right-to-left languages', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('he-IL')).toBe('rtl');
    expect(directionOf('de')).toBe('ltr');
  });

  it('has every English key in each shipped catalogue, with the same placeholders', () => {
    const placeholders = (m: unknown) =>
      [...JSON.stringify(m).matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
    for (const catalogue of [de, ar]) {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        const expected = new Set(placeholders(en[key]));
        for (const name of placeholders(catalogue[key])) expect(expected).toContain(name);
      }
    }
  });
});
