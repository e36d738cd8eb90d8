import type { ExternalIdRepository } from './external-id-repository.ts';

export interface AwsRoleSetupDeps {
  externalIds: Pick<ExternalIdRepository, 'forOrganization'>;
  /** `AWS_ROLE_PRINCIPAL_ARN`: the principal customers' roles trust (in AWS, the stack's role assumer). */
  principalArn: string | undefined;
}

/** What an admin needs to create a role for an ASSUME_ROLE credential (`GET /credentials/aws-role-setup`). */
export interface AwsRoleSetup {
  externalId: string;
  principalArn: string;
  trustPolicy: TrustPolicy;
}

export interface TrustPolicy {
  Version: '2012-10-17';
  Statement: [
    {
      Effect: 'Allow';
      Principal: { AWS: string };
      Action: 'sts:AssumeRole';
      Condition: { StringEquals: { 'sts:ExternalId': string } };
    },
  ];
}

/**
 * The organization's external ID (created on first use) and the trust policy that lets the service, and only with
 * that ID, assume the role. A deployment without a principal is misconfigured: no trust policy it could give would
 * work, so it fails (500, logged) instead of answering with a placeholder.
 */
export async function awsRoleSetup(deps: AwsRoleSetupDeps, orgId: string): Promise<AwsRoleSetup> {
  const { principalArn } = deps;
  if (principalArn === undefined) throw new Error('AWS_ROLE_PRINCIPAL_ARN is not set');
  const externalId = await deps.externalIds.forOrganization(orgId);
  return {
    externalId,
    principalArn,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: principalArn },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': externalId } },
        },
      ],
    },
  };
}
