import { abbreviate, matching } from '#shared/providers/fields.ts';
import { defineKind } from '#shared/providers/provider.ts';

/**
 * An IAM role ARN as IAM allows it: partition, 12-digit account, an optional path (printable ASCII between slashes,
 * at most 512 characters with its slashes) and a name of 1–64 characters of `[\w+=,.@-]`.
 */
export const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[!-~]{1,510}\/)?[\w+=,.@-]{1,64}$/;

export const awsKinds = {
  ACCESS_KEY: defineKind({
    provider: 'AWS',
    credentialType: 'ACCESS_KEY',
    fields: {
      accessKeyId: matching(
        /^(AKIA|ASIA)[A-Z0-9]{16}$/,
        'Must be AKIA or ASIA followed by 16 upper-case letters or digits',
      ),
      secretAccessKey: matching(/^[\x21-\x7e]{40}$/, 'Must be 40 characters'),
    },
    secretFields: ['secretAccessKey'],
    hint: (data) => abbreviate(data.accessKeyId),
  }),
  ASSUME_ROLE: defineKind({
    provider: 'AWS',
    credentialType: 'ASSUME_ROLE',
    fields: {
      roleArn: matching(ROLE_ARN, 'Must be the ARN of an IAM role (arn:aws:iam::<account>:role/<name>)'),
    },
    secretFields: [],
    hint: (data) => data.roleArn,
  }),
};
