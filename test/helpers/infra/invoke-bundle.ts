import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SynthesizedFunction } from './synthesized-functions.ts';

export interface Invocation {
  result: any;
  stdout: string;
  stderr: string;
}

/**
 * Runs in the child: import the bundle as the Lambda runtime does, call the handler once with the event from stdin,
 * and write the result to file descriptor 3 so the function's own logs on stdout cannot be mistaken for it.
 */
const RUNNER = `
import { readFileSync, writeSync } from 'node:fs';
const [moduleUrl, exportName, functionName] = process.argv.slice(1);
const handler = (await import(moduleUrl))[exportName];
const event = JSON.parse(readFileSync(0, 'utf8'));
const context = {
  functionName, functionVersion: '$LATEST', awsRequestId: crypto.randomUUID(), memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + functionName,
  logGroupName: '/aws/lambda/' + functionName, logStreamName: 'smoke', callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10000,
};
const result = await handler(event, context);
writeSync(3, JSON.stringify(result ?? null));
`;

/** Handles one event with a synthesized bundle in a fresh Node process whose environment is exactly `env`. */
export function invokeBundle(
  fn: SynthesizedFunction,
  env: Record<string, string>,
  event: unknown,
  cwd: string,
): Promise<Invocation> {
  const moduleUrl = pathToFileURL(join(fn.bundleDir, fn.entry.file)).href;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', RUNNER, moduleUrl, fn.entry.exportName, fn.handler],
    {
      cwd,
      env: { ...env, AWS_LAMBDA_FUNCTION_NAME: fn.handler },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '', result: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (output.result += chunk));
  child.stdin!.end(JSON.stringify(event));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0 || output.result === '') {
        reject(new Error(`${fn.handler} exited with ${code}:\n${output.stderr}\n${output.stdout}`));
        return;
      }
      resolve({ result: JSON.parse(output.result), stdout: output.stdout, stderr: output.stderr });
    });
  });
}
