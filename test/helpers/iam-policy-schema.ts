import { Ajv2020 } from 'ajv/dist/2020.js';

/**
 * IAM's policy grammar for an identity-based policy (one attached to a user or a role), as a JSON Schema: "IAM JSON
 * policy elements reference" and "Grammar of the IAM JSON policy language" in the IAM User Guide.
 *
 *   policy    = { Version?, Id?, Statement }        Version "2012-10-17" | "2008-10-17"
 *   Statement = statement | [ statement, … ]
 *   statement = { Sid?, Effect, (Action | NotAction), (Resource | NotResource), Condition? }
 *               Effect "Allow" | "Deny"; Sid alphanumeric; no Principal (that is for resource-based policies)
 *   action    = "*" | "<service>:<action>" (wildcards * and ? allowed in the action part)
 *   resource  = "*" | "arn:<partition>:<service>:<region>:<account>:<resource>" (region and account may be empty)
 *   Condition = { <operator>: { <key>: value | [value, …] } }
 *
 * Any other key, anywhere, is refused (IAM answers MalformedPolicyDocument for an unknown element).
 */
const ACTION = '^(\\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$';
const PARTITION = '(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f)';
const RESOURCE = `^(\\*|arn:${PARTITION}:[a-z0-9-]+:[a-z0-9-*?]*:(\\d{12}|[*?]+)?:[^\\s]+)$`;

const oneOrMany = (pattern: string) => ({
  oneOf: [
    { type: 'string', pattern },
    { type: 'array', minItems: 1, items: { type: 'string', pattern } },
  ],
});

const conditionValue = { type: ['string', 'boolean', 'number'] };

export const IAM_IDENTITY_POLICY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'iam-identity-policy',
  type: 'object',
  properties: {
    Version: { enum: ['2012-10-17', '2008-10-17'] },
    Id: { type: 'string', minLength: 1 },
    Statement: {
      oneOf: [{ $ref: '#/$defs/statement' }, { type: 'array', minItems: 1, items: { $ref: '#/$defs/statement' } }],
    },
  },
  required: ['Statement'],
  additionalProperties: false,
  $defs: {
    statement: {
      type: 'object',
      properties: {
        Sid: { type: 'string', pattern: '^[A-Za-z0-9]*$' },
        Effect: { enum: ['Allow', 'Deny'] },
        Action: oneOrMany(ACTION),
        NotAction: oneOrMany(ACTION),
        Resource: oneOrMany(RESOURCE),
        NotResource: oneOrMany(RESOURCE),
        Condition: {
          type: 'object',
          minProperties: 1,
          additionalProperties: {
            type: 'object',
            minProperties: 1,
            additionalProperties: {
              oneOf: [conditionValue, { type: 'array', minItems: 1, items: conditionValue }],
            },
          },
        },
      },
      required: ['Effect'],
      allOf: [
        { oneOf: [{ required: ['Action'] }, { required: ['NotAction'] }] },
        { oneOf: [{ required: ['Resource'] }, { required: ['NotResource'] }] },
      ],
      additionalProperties: false,
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(IAM_IDENTITY_POLICY_SCHEMA);

/** What IAM's grammar refuses in `policy` (empty when it is a well-formed identity policy). */
export function iamPolicyViolations(policy: unknown): string[] {
  if (validate(policy)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`);
}
