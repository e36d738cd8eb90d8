import { Aws, type CfnElement, Validations } from 'aws-cdk-lib';
import { type CfnRole, CompositePrincipal, type IRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.ts';

/**
 * The logical id the role assumer keeps: the verification consumer's first execution role, whose ARN
 * (`<stack>-verifier`) customers' trust policies already name. IAM binds a trust policy to the role's unique id, so
 * the role must be updated in place, never replaced: same logical id, same name.
 */
export const ROLE_ASSUMER_LOGICAL_ID = 'FunctionsverificationconsumerRoleA80ADAD6';

export interface RoleAssumerProps {
  roleName: string;
  /** The execution roles of the functions that check AWS role credentials: the only principals it trusts. */
  trustedBy: readonly IRole[];
}

/**
 * The one principal customers' trust policies name (`GET /credentials/aws-role-setup`). The functions that assume
 * customers' roles (the consumer and the resource-check route) run as execution roles of their own, each with its own
 * least-privilege grants; each may assume this role and nothing else in STS, and this role may assume customers'
 * roles and nothing else (role chaining: shared/providers/aws/sts.ts keeps its session for an hour per process).
 */
export class RoleAssumer extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: RoleAssumerProps) {
    super(scope, id);
    if (props.trustedBy.length === 0) throw new Error('The role assumer must trust at least one execution role');
    this.role = new Role(this, 'Role', {
      roleName: props.roleName,
      description: "EntryGuard Credentials: the principal customers' role trust policies name",
      assumedBy: new CompositePrincipal(...props.trustedBy),
    });
    (this.role.node.defaultChild as CfnRole & CfnElement).overrideLogicalId(ROLE_ASSUMER_LOGICAL_ID);
    // Customers' roles live in accounts we cannot know in advance, so the account is a wildcard; roles of this
    // account are excluded, so no role here trusting the account can pass for a customer's.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sts:AssumeRole'],
        resources: [`arn:${Aws.PARTITION}:iam::*:role/*`],
        conditions: { StringNotEquals: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/*]',
      reason:
        "Customers create the roles in their own accounts, unknown when deploying; only IAM roles, never of this account, and each one trusts this role only with its organization's external ID.",
    });
  }

  /** Lets the function assume this role (and no other) and tells it the ARN. */
  grantAssume(fn: ServiceFunction): void {
    fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [this.role.roleArn] }));
    fn.function.addEnvironment('AWS_ROLE_ASSUMER_ARN', this.role.roleArn);
  }
}
