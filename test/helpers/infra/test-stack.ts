import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CredentialsStack } from '../../../infra/aws/credentials-stack.ts';
import { readStackConfig, type StackConfig } from '../../../infra/aws/stack-config.ts';

export interface TestStack {
  app: App;
  stack: CredentialsStack;
  config: StackConfig;
  template: Template;
}

/**
 * The stack as `cdk synth` builds it, minus the slow parts (toolchain notes): no bundling and no built-in template
 * validation. The full synth with bundles and cdk-nag runs once, in synth-smoke.test.ts.
 */
export function testStack(context: Record<string, unknown> = {}): TestStack {
  process.env.CDK_VALIDATION = 'false';
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const config = readStackConfig((key) => app.node.tryGetContext(key), {});
  const stack = new CredentialsStack(app, config.stackName, { config });
  return { app, stack, config, template: Template.fromStack(stack) };
}

/** The logical ids of a service function's Lambda and role, by handler folder. */
export function logicalIdsOf(stack: CredentialsStack, handler: string): { function: string; role: string } {
  const fn = stack.functions.get(handler);
  if (!fn) throw new Error(`the stack has no function ${handler}`);
  return {
    function: stack.getLogicalId(fn.function.node.defaultChild as CfnElement),
    role: stack.getLogicalId(fn.role.node.defaultChild as CfnElement),
  };
}
