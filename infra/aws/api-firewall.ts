import { Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  stage: Stage;
  /** Requests one source IP may make in any 5-minute window before WAF blocks it (until its rate falls again). */
  requestsPerIpPer5Minutes: number;
}

/** The rate-based rule's window: WAF counts each address's requests over the last 5 minutes. */
export const WAF_EVALUATION_WINDOW_SECONDS = 300;

/**
 * An AWS WAF web ACL in front of the API stage with one per-IP rate-based rule. The stage throttle is one bucket
 * for every caller, unauthenticated ones included; without this rule one address could use it up and every tenant
 * would get 429. Over the limit, WAF answers 403 before API Gateway, the authorizer or any function runs. The ACL
 * and the rule publish CloudWatch metrics only: sampled requests and WAF logs would hold the request headers, and
 * the Authorization header is the bearer token.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const name = `${Stack.of(this).stackName}-api`;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name,
      description: 'EntryGuard Credentials API: per-IP rate limit in front of the stage throttle',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: false },
      rules: [
        {
          name: 'RequestsPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.requestsPerIpPer5Minutes,
              evaluationWindowSec: WAF_EVALUATION_WINDOW_SECONDS,
            },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: `${name}-requests-per-ip`,
            sampledRequestsEnabled: false,
          },
        },
      ],
    });
    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // The stage must exist before WAF can be attached to it.
    association.node.addDependency(props.stage);
  }
}
