import type { z } from 'zod';

/** Zod's own wording ("Invalid option: expected one of…", "Too small: …"); a schema's custom message is kept. */
const DEFAULT_MESSAGE = /^(Invalid|Too (big|small)|Unrecognized key)/;

function list(values: readonly unknown[]): string {
  return values.map((v) => String(v)).join(', ');
}

/**
 * One validation problem in words a person reads: what is allowed, not the validator's diagnosis. The field is
 * named by the caller (path), so this says only what the value must be.
 */
export function plainIssue(issue: z.core.$ZodIssue): string {
  if (!DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of ${list(issue.values)}`;
    case 'invalid_type':
      // Issues carry no input by default; zod's message says what it received.
      if (/received undefined$/.test(issue.message)) return 'is required';
      return issue.expected === 'number' || issue.expected === 'int'
        ? 'must be a number'
        : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} items`;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'email'
        ? 'must be an email address like name@example.com'
        : `must be a valid ${issue.format}`;
    case 'unrecognized_keys':
      return `${issue.keys.length === 1 ? 'is not a known field' : 'are not known fields'}: ${list(issue.keys)}`;
    default:
      return issue.message;
  }
}
