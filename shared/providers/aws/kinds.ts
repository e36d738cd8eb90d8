import { abbreviate, matching } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';
import { strictObject } from '#shared/validation.ts';

export const accessKey = defineKind({
  provider: 'AWS',
  credentialType: 'ACCESS_KEY',
  schema: strictObject({
    accessKeyId: matching(
      /^(AKIA|ASIA)[A-Z0-9]{16}$/,
      'Must be AKIA or ASIA followed by 16 upper-case letters or digits',
    ),
    secretAccessKey: matching(/^[\x21-\x7e]{40}$/, 'Must be 40 characters'),
  }),
  hint: (data) => abbreviate(data.accessKeyId),
});

/**
 * An IAM role ARN as IAM allows it: partition, 12-digit account, an optional path (printable ASCII between slashes,
 * at most 512 characters with its slashes) and a name of 1–64 characters of `[\w+=,.@-]`.
 */
export const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[!-~]{1,510}\/)?[\w+=,.@-]{1,64}$/;

export const assumeRole = defineKind({
  provider: 'AWS',
  credentialType: 'ASSUME_ROLE',
  schema: strictObject({
    roleArn: matching(ROLE_ARN, 'Must be the ARN of an IAM role (arn:aws:iam::<account>:role/<name>)'),
  }),
  hint: (data) => data.roleArn,
});

export const awsKinds = [accessKey, assumeRole];
