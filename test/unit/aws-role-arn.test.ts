import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { awsKinds } from '#shared/providers/aws/kinds.ts';

const valid = (roleArn: string) => v.is(awsKinds.ASSUME_ROLE.schema, { roleArn });

describe('the ASSUME_ROLE roleArn', () => {
  it.each([
    'arn:aws:iam::123456789012:role/EntryGuard',
    'arn:aws:iam::123456789012:role/service-role/EntryGuard',
    'arn:aws:iam::123456789012:role/a/b/c/EntryGuard',
    'arn:aws-cn:iam::123456789012:role/EntryGuard',
    'arn:aws-us-gov:iam::123456789012:role/EntryGuard',
    'arn:aws:iam::123456789012:role/Name_With+=,.@-chars',
    `arn:aws:iam::123456789012:role/${'n'.repeat(64)}`,
    `arn:aws:iam::123456789012:role/${'p'.repeat(510)}/${'n'.repeat(64)}`,
  ])('accepts %s', (roleArn) => {
    expect(valid(roleArn)).toBe(true);
  });

  it.each([
    ['a user', 'arn:aws:iam::123456789012:user/EntryGuard'],
    ['an assumed-role session', 'arn:aws:sts::123456789012:assumed-role/EntryGuard/session'],
    ['an unknown partition', 'arn:aws-xx:iam::123456789012:role/EntryGuard'],
    ['an 11-digit account', 'arn:aws:iam::12345678901:role/EntryGuard'],
    ['a region', 'arn:aws:iam:us-east-1:123456789012:role/EntryGuard'],
    ['no name', 'arn:aws:iam::123456789012:role/'],
    ['a path without a name', 'arn:aws:iam::123456789012:role/path/'],
    ['a name over 64 characters', `arn:aws:iam::123456789012:role/${'n'.repeat(65)}`],
    ['a path over 512 characters', `arn:aws:iam::123456789012:role/${'p'.repeat(511)}/EntryGuard`],
    ['a space in the name', 'arn:aws:iam::123456789012:role/Entry Guard'],
    ['a trailing newline', 'arn:aws:iam::123456789012:role/EntryGuard\n'],
  ])('refuses %s', (_case, roleArn) => {
    expect(valid(roleArn)).toBe(false);
  });
});
