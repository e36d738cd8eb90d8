import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '#shared/logger.ts';
import { CREDENTIAL_KINDS } from '#shared/providers/kinds.ts';
import { PROVIDERS, type Provider } from '#shared/providers/provider.ts';
import { PROVIDER_ENDPOINT_SETTINGS, readProviderSettings } from '#shared/providers/provider-settings.ts';
import { RESOURCE_CHECKS } from '#shared/providers/resource-checks.ts';
import { RESOURCE_KINDS } from '#shared/providers/resource-kinds.ts';
import { VERIFIERS } from '#shared/providers/verifiers.ts';
import { PROVIDER_FORMS } from '../../console/src/credentials/credential-kinds.ts';
import { logicalIdsOf, testStack } from '../helpers/infra/test-stack.ts';

// The compiler checks that every registry has every key; these check what it cannot: the layers a kind reaches
// outside the registries (the console, the logs, the OpenAPI document, the stack), and that keys and contents agree.

const document = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8'));
const kinds = PROVIDERS.flatMap((provider) =>
  Object.entries(CREDENTIAL_KINDS[provider]).map(([type, kind]) => ({ provider, type, kind })),
);
const resourceKinds = PROVIDERS.flatMap((provider) =>
  Object.entries(RESOURCE_KINDS[provider]).map(([type, kind]) => ({ provider, type, kind })),
);

describe('the provider registries', () => {
  it('key every kind by its own provider and type', () => {
    for (const { provider, type, kind } of kinds)
      expect([kind.provider, kind.credentialType]).toEqual([provider, type]);
    for (const { provider, type, kind } of resourceKinds)
      expect([kind.provider, kind.resourceType]).toEqual([provider, type]);
  });

  it('have a verifier for every credential kind and nothing else', () => {
    for (const provider of PROVIDERS) {
      expect(Object.keys(VERIFIERS[provider]).sort()).toEqual(Object.keys(CREDENTIAL_KINDS[provider]).sort());
      for (const verifier of Object.values(VERIFIERS[provider])) expect(verifier).toEqual(expect.any(Function));
    }
  });

  it('have a check for every resource kind with every credential type of its provider, at least one of them real', () => {
    for (const { provider, type } of resourceKinds) {
      const checks: Record<string, unknown> = (RESOURCE_CHECKS[provider] as Record<string, Record<string, unknown>>)[
        type
      ]!;
      expect(checks, `${provider} ${type}`).toBeDefined();
      expect(Object.keys(checks).sort()).toEqual(Object.keys(CREDENTIAL_KINDS[provider]).sort());
      expect(
        Object.values(checks).some((check) => typeof check === 'function'),
        `${provider} ${type}`,
      ).toBe(true);
    }
    for (const provider of PROVIDERS) {
      expect(Object.keys(RESOURCE_CHECKS[provider]).sort()).toEqual(Object.keys(RESOURCE_KINDS[provider]).sort());
    }
  });

  it('scrub every secret field of a kind from what its verifier and each of its resource checks return', () => {
    for (const { provider, type, kind } of kinds) {
      const data = Object.fromEntries(Object.keys(kind.fields).map((field) => [field, `value of ${field}`]));
      const checks = Object.values(RESOURCE_CHECKS[provider] as Record<string, Record<string, unknown>>)
        .map((byCredential) => byCredential[type])
        .filter((check) => typeof check === 'function');
      for (const verifier of [(VERIFIERS[provider] as Record<string, unknown>)[type], ...checks]) {
        const { secretsOf } = verifier as { secretsOf?: (data: Record<string, string>) => string[] };
        expect(secretsOf, `${provider} ${type}: a verifier made with scrubbed()`).toEqual(expect.any(Function));
        expect(secretsOf!(data), `${provider} ${type}`).toEqual(
          expect.arrayContaining(kind.secretFields.map((field: string) => data[field])),
        );
      }
    }
  });

  it('name secret fields that exist, and redact every one in logs', () => {
    for (const { provider, type, kind } of kinds) {
      for (const field of kind.secretFields) {
        expect(Object.keys(kind.fields), `${provider} ${type}`).toContain(field);
        expect(redactSecrets(field, 'value'), `${provider} ${type} ${field}`).toBe('[REDACTED]');
      }
    }
  });
});

describe('the console', () => {
  it('offers exactly the providers and kinds of the registry', () => {
    const offered = PROVIDER_FORMS.flatMap((form) =>
      form.kinds.map((kind) => `${form.provider}:${kind.credentialType}`),
    );
    expect(offered.sort()).toEqual(kinds.map(({ provider, type }) => `${provider}:${type}`).sort());
  });

  it('asks for exactly the fields of each kind, and hides exactly its secret ones', () => {
    for (const form of PROVIDER_FORMS) {
      for (const kindForm of form.kinds) {
        const kind = CREDENTIAL_KINDS[form.provider as Provider][
          kindForm.credentialType as never
        ] as (typeof kinds)[number]['kind'];
        const label = `${form.provider} ${kindForm.credentialType}`;
        if (kindForm.input === 'gcp-key-file') {
          // The whole key file is the data: every required field of the schema is in a key file Google issues.
          expect(form.provider, label).toBe('GCP');
          continue;
        }
        expect(kindForm.input.map((field) => field.name).sort(), label).toEqual(Object.keys(kind.fields).sort());
        const hidden = kindForm.input.filter((field) => field.secret).map((field) => field.name);
        expect(hidden.sort(), label).toEqual([...kind.secretFields].sort());
      }
    }
  });
});

describe('the OpenAPI document', () => {
  const enumOf = (schema: Record<string, unknown>) => [...(schema.enum as string[])].sort();

  it('lists exactly the providers, credential types and resource types of the registries', () => {
    const schemas = document.components.schemas;
    expect(enumOf(schemas.Provider)).toEqual([...PROVIDERS].sort());
    expect(enumOf(schemas.Credential.properties.credentialType)).toEqual(
      [...new Set(kinds.map(({ type }) => type))].sort(),
    );
    expect(enumOf(schemas.Resource.properties.resourceType)).toEqual(
      [...new Set(resourceKinds.map(({ type }) => type))].sort(),
    );
  });
});

describe('the provider endpoint settings', () => {
  it('are every variable the provider settings read (besides the timeout and the private-address switch)', () => {
    const read = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_target, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    readProviderSettings(env);
    const endpoints = [...read].filter((name) => name !== 'PROVIDER_TIMEOUT_MS' && name !== 'ALLOW_PRIVATE_ENDPOINTS');
    expect(PROVIDER_ENDPOINT_SETTINGS).toEqual(expect.arrayContaining(endpoints));
  });

  it('reach the environment of every function that calls providers, and only theirs', () => {
    const context = Object.fromEntries(
      PROVIDER_ENDPOINT_SETTINGS.map((name) => [
        name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
        `https://${name.toLowerCase()}.test`,
      ]),
    );
    const { stack, template } = testStack(context);
    const functions = template.findResources('AWS::Lambda::Function');
    const callers = ['verification-consumer', 'verify-resource'];
    for (const handler of stack.functions.keys()) {
      const variables = functions[logicalIdsOf(stack, handler).function]!.Properties.Environment.Variables;
      for (const name of PROVIDER_ENDPOINT_SETTINGS) {
        if (callers.includes(handler))
          expect(variables[name], `${handler} ${name}`).toBe(`https://${name.toLowerCase()}.test`);
        else expect(variables, `${handler} ${name}`).not.toHaveProperty(name);
      }
    }
  });
});
