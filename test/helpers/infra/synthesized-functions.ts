import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Lambda function of a synthesized template, with the asset folder CDK bundled its code into. */
export interface SynthesizedFunction {
  logicalId: string;
  /** The handler folder under functions/, read from the construct path (…/<handler>/Function/Resource). */
  handler: string;
  bundleDir: string;
  /** `index.handler` → index.mjs exporting `handler`. */
  entry: { file: string; exportName: string };
  environment: Record<string, unknown>;
}

export interface SynthesizedTemplate {
  resources: Record<string, { Type: string; Properties?: any; Metadata?: Record<string, any> }>;
  functions: SynthesizedFunction[];
}

export function readSynthesizedTemplate(outdir: string, stackName: string): SynthesizedTemplate {
  const template = JSON.parse(readFileSync(join(outdir, `${stackName}.template.json`), 'utf8'));
  const resources: SynthesizedTemplate['resources'] = template.Resources;
  const functions = Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const path: string = resource.Metadata?.['aws:cdk:path'] ?? '';
      const handler = /\/([^/]+)\/Function\/Resource$/.exec(path)?.[1];
      const asset: string | undefined = resource.Metadata?.['aws:asset:path'];
      if (!handler || !asset) throw new Error(`${logicalId} is not a ServiceFunction with a bundled asset (${path})`);
      const [file, exportName] = String(resource.Properties.Handler).split('.') as [string, string];
      return {
        logicalId,
        handler,
        bundleDir: join(outdir, asset),
        entry: { file: `${file}.mjs`, exportName },
        environment: resource.Properties.Environment?.Variables ?? {},
      };
    });
  return { resources, functions };
}
