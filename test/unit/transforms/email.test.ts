import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../../src/transforms/email.js';

describe('normaliseEmail: accepted', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  Ada.Lovelace@Example.COM ', 'ada.lovelace@example.com'],
    ['ADA@EXAMPLE.COM', 'ada@example.com'],
    ['ada+crm@example.co.uk', 'ada+crm@example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['first_last-1@mail.example-domain.com', 'first_last-1@mail.example-domain.com'],
    ['\uFEFFada@example.com\u200B', 'ada@example.com'],
    ['ada@example.com\r\n', 'ada@example.com'],
    // A likely typo of a real domain is still an address: not guessed at.
    ['ada@gmial.com', 'ada@gmial.com'],
  ])('%j -> %s', (raw, expected) => {
    expect(normaliseEmail(raw)).toEqual({ ok: true, value: expected });
  });
});

describe('normaliseEmail: rejected, not repaired', () => {
  it.each([
    ['', 'BLANK_VALUE', /blank/],
    ['  ', 'BLANK_VALUE', /blank/],
    ['name@@x.com', 'INVALID_EMAIL', /more than one '@'/],
    ['name@x', 'INVALID_EMAIL', /domain has no dot/],
    ['name @x.com', 'INVALID_EMAIL', /contains a space/],
    ['name@ x.com', 'INVALID_EMAIL', /contains a space/],
    ['ada@exa\u200Bmple.com', 'INVALID_EMAIL', /contains a space/],
    ['name.example.com', 'INVALID_EMAIL', /no '@'/],
    ['n/a', 'INVALID_EMAIL', /no '@'/],
    ['@example.com', 'INVALID_EMAIL', /nothing before/],
    ['name@', 'INVALID_EMAIL', /nothing after/],
    ['name@x,com', 'INVALID_EMAIL', /character that is not allowed/],
    ['name@x_y.com', 'INVALID_EMAIL', /character that is not allowed/],
    ['name@-x.com', 'INVALID_EMAIL', /hyphen/],
    ['name@x.com.', 'INVALID_EMAIL', /starts or ends with a dot/],
    ['name@x..com', 'INVALID_EMAIL', /two dots in a row/],
    ['.name@x.com', 'INVALID_EMAIL', /starts or ends with a dot/],
    ['na..me@x.com', 'INVALID_EMAIL', /two dots in a row/],
    ['"john doe"@x.com', 'INVALID_EMAIL', /contains a space/],
    ['"john"@x.com', 'INVALID_EMAIL', /not allowed/],
    ['na(me)@x.com', 'INVALID_EMAIL', /not allowed/],
    ['josé@example.com', 'INVALID_EMAIL', /non-ASCII/],
    ['ada@münchen.de', 'INVALID_EMAIL', /non-ASCII/],
    ['ada@example.c', 'INVALID_EMAIL', /top-level domain/],
    ['ada@10.0.0.1', 'INVALID_EMAIL', /top-level domain/],
    ['a@x.com, b@y.com', 'INVALID_EMAIL', /more than one address/],
    ['a@x.com;b@y.com', 'INVALID_EMAIL', /more than one address/],
    ['Ada <ada@example.com>', 'INVALID_EMAIL', /contains a space/],
    ['mailto:ada@example.com', 'INVALID_EMAIL', /not allowed/],
    [`${'a'.repeat(65)}@example.com`, 'INVALID_EMAIL', /longer than 64/],
    [`ada@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`, 'INVALID_EMAIL', /longer than 254/],
    [`ada@${'a'.repeat(64)}.com`, 'INVALID_EMAIL', /longer than 63/],
  ])('%j -> %s', (raw, code, message) => {
    const r = normaliseEmail(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problem.code).toBe(code);
      expect(r.problem.message).toMatch(message);
      if (code === 'INVALID_EMAIL') expect(r.problem.message).toMatch(/^Email is not valid: /);
    }
  });

  it('never quotes the cell in its message', () => {
    const r = normaliseEmail('ada@@example.com');
    expect(!r.ok && r.problem.message).not.toContain('example');
  });
});

describe('normaliseEmail: the same person twice with different casing', () => {
  it('gives one address', () => {
    const a = normaliseEmail('Ada.Lovelace@Example.com');
    const b = normaliseEmail(' ada.lovelace@EXAMPLE.COM');
    expect(a).toEqual(b);
  });
});
