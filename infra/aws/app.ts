import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CredentialsStack } from './credentials-stack.ts';
import { readStackConfig } from './stack-config.ts';

const app = new App();
const config = readStackConfig((key) => app.node.tryGetContext(key), process.env);
new CredentialsStack(app, config.stackName, { config });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
