import { describe, expect, it } from 'vitest';
import { listPlaceholders, placeholderFor, renderTemplate, templateValues } from './template';

describe('renderTemplate', () => {
  it('fills attributes case-insensitively and falls back when a value is missing or blank', () => {
    const values = templateValues({ name: 'Anna Schmidt', phone: '+4915100000001', attributes: { Car: 'Golf', City: '  ' } });
    expect(renderTemplate('Hi {{ First_Name }}, your {{car}} in {{city|your town}} ({{phone}}) {{missing|friend}}{{gone}}.', values)).toBe(
      'Hi Anna, your Golf in your town (+4915100000001) friend.',
    );
  });

  it('treats names of JavaScript built-ins as ordinary, missing attributes', () => {
    const values = templateValues({ name: 'Anna', attributes: {} });
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype']) {
      expect(renderTemplate(`Hello {{${key}|there}}!`, values)).toBe('Hello there!');
      expect(renderTemplate(`Hello {{${key}}}!`, values)).toBe('Hello !');
    }
    // Also when the values come straight from a plain object.
    expect(renderTemplate('{{constructor|x}} {{toString|y}} {{__proto__|z}}', {})).toBe('x y z');
  });

  it('uses a contact attribute that happens to be called like a built-in', () => {
    // JSON (the database's attribute column) is where such keys come from: "__proto__" is an own key there.
    const attributes = JSON.parse('{"constructor": "Bob the builder", "__proto__": "proto", "toString": "str"}') as Record<string, string>;
    const values = templateValues({ attributes });
    expect(Object.getPrototypeOf(values)).toBeNull();
    expect(renderTemplate('{{constructor}}, {{__proto__}}, {{toString}}', values)).toBe('Bob the builder, proto, str');
    expect(renderTemplate('{{__proto__|none}}', { ...values })).toBe('proto');
  });

  it('leaves text that is not a placeholder alone', () => {
    expect(renderTemplate('Price: {{}} {single} {{a{b}} {{#tag}}', {})).toBe('Price: {{}} {single} {{a{b}} {{#tag}}');
  });
});

describe('listPlaceholders and placeholderFor', () => {
  it('lists the keys with their fallbacks, and writes what the picker inserts', () => {
    expect(listPlaceholders('{{Name|there}} {{constructor}}')).toEqual([
      { key: 'name', fallback: 'there' },
      { key: 'constructor', fallback: null },
    ]);
    expect(placeholderFor('first_name', 'there')).toBe('{{first_name|there}}');
    expect(placeholderFor('city')).toBe('{{city}}');
  });
});
