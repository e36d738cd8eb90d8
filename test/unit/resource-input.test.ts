import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuditLogQuery } from '#shared/audit/list-audit-logs-input.ts';
import { ServiceError } from '#shared/errors.ts';
import { parseCreateResourceInput } from '#shared/resources/create-resource-input.ts';
import { parseListResourcesInput } from '#shared/resources/list-resources-input.ts';
import { parseUpdateResourceInput } from '#shared/resources/update-resource-input.ts';
import { validationErrorsOf } from '../helpers/validation-errors-of.ts';

const CREDENTIAL = '0F8FAD5B-D9CB-469F-A165-70867728950E';
const NSG =
  '/subscriptions/0f8fad5b-d9cb-469f-a165-70867728950e/resourceGroups/rg-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-web';

const valid = {
  SECURITY_GROUP: {
    provider: 'AWS',
    resourceIdentifier: 'sg-0abc123def4567890',
    region: 'ap-southeast-2',
    config: { protocol: 'udp', fromPort: 1194, toPort: 1194, cidr: '2001:db8::/32', description: 'VPN' },
  },
  FIREWALL_RULE: {
    provider: 'GCP',
    resourceIdentifier: 'allow-ssh',
    config: { protocol: 'tcp', ports: ['22', '8000-8080'] },
  },
  NETWORK_SECURITY_GROUP: {
    provider: 'AZURE',
    resourceIdentifier: NSG,
    config: { ruleName: 'eg_ssh', priority: 100, protocol: 'tcp', ports: ['22'] },
  },
  ROUTE: { provider: 'APISIX', resourceIdentifier: 'orders.v2', config: {} },
  PROJECT: { provider: 'VERCEL', resourceIdentifier: 'prj_AbC123', config: { firewallRuleId: 'rule_3f9a0c1d2e4b' } },
};

describe('parseCreateResourceInput', () => {
  it.each(Object.entries(valid))(
    'accepts a valid %s, lower-casing the credential id and defaulting region and config',
    (resourceType, body) => {
      const input = parseCreateResourceInput({ name: ' Edge ', credentialId: CREDENTIAL, resourceType, ...body });
      expect(input).toMatchObject({ name: 'Edge', provider: body.provider, credentialId: CREDENTIAL.toLowerCase() });
      expect(input.target).toEqual({
        resourceIdentifier: body.resourceIdentifier,
        region: 'region' in body ? body.region : null,
        config: 'config' in body ? body.config : {},
      });
    },
  );

  it.each([
    [
      'a port range above 65535',
      'FIREWALL_RULE',
      { config: { protocol: 'tcp', ports: ['65000-65536'] } },
      { 'config.ports.0': expect.stringContaining('0-65535') },
    ],
    [
      'a descending port range',
      'FIREWALL_RULE',
      { config: { protocol: 'tcp', ports: ['90-80'] } },
      { 'config.ports.0': expect.stringContaining('ascending') },
    ],
    [
      'no ports',
      'FIREWALL_RULE',
      { config: { protocol: 'tcp', ports: [] } },
      { 'config.ports': 'Must list 1 to 50 ports or ranges' },
    ],
    [
      'an NSG priority out of range',
      'NETWORK_SECURITY_GROUP',
      { config: { ruleName: 'r', priority: 99, protocol: 'tcp', ports: ['22'] } },
      { 'config.priority': 'Must be an integer from 100 to 4096' },
    ],
    [
      'an NSG id of another resource type',
      'NETWORK_SECURITY_GROUP',
      { resourceIdentifier: NSG.replace('networkSecurityGroups', 'virtualNetworks') },
      { resourceIdentifier: expect.stringContaining('networkSecurityGroups') },
    ],
    ['config on a route', 'ROUTE', { config: { plugins: ['ip-restriction'] } }, { 'config.plugins': 'Unknown field' }],
    [
      'a region on a Vercel project',
      'PROJECT',
      { region: 'iad1' },
      { region: 'Not used by VERCEL PROJECT resources; leave it out' },
    ],
    [
      'a Vercel project without the firewall rule that holds the allow-list',
      'PROJECT',
      { config: undefined },
      { 'config.firewallRuleId': 'Required' },
    ],
    [
      'a firewall rule id with spaces',
      'PROJECT',
      { config: { firewallRuleId: 'rule 1' } },
      { 'config.firewallRuleId': expect.stringContaining('1 to 128 visible characters') },
    ],
    [
      'a firewall rule id over 128 characters',
      'PROJECT',
      { config: { firewallRuleId: `rule_${'a'.repeat(124)}` } },
      { 'config.firewallRuleId': expect.stringContaining('1 to 128 visible characters') },
    ],
    [
      'a fractional port',
      'SECURITY_GROUP',
      { config: { protocol: 'tcp', fromPort: 22.5, toPort: 23 } },
      { 'config.fromPort': 'Expected int' },
    ],
    [
      'a CIDR without a prefix',
      'SECURITY_GROUP',
      { config: { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '203.0.113.7' } },
      { 'config.cidr': expect.stringContaining('CIDR') },
    ],
  ])('refuses %s', (_case, resourceType, overrides, expected) => {
    const body = {
      name: 'x',
      credentialId: CREDENTIAL,
      resourceType,
      ...valid[resourceType as keyof typeof valid],
      ...overrides,
    };
    expect(validationErrorsOf(() => parseCreateResourceInput(body))).toEqual(expected);
  });

  it("names every field's error at once: the envelope and identifier, region and config against the type", () => {
    const body = {
      ...valid.SECURITY_GROUP,
      name: '',
      credentialId: 'not-a-uuid',
      resourceType: 'SECURITY_GROUP',
      resourceIdentifier: 'sg-nope',
      config: { protocol: 'icmp', fromPort: 22, toPort: 70000 },
    };
    expect(Object.keys(validationErrorsOf(() => parseCreateResourceInput(body))).sort()).toEqual([
      'config.protocol',
      'config.toPort',
      'credentialId',
      'name',
      'resourceIdentifier',
    ]);
    expect(
      validationErrorsOf(() => parseCreateResourceInput({ ...body, resourceType: 'BUCKET', config: undefined })),
    ).toEqual({
      name: 'Must be 1 to 128 characters',
      credentialId: 'Must be a UUID',
      resourceType: expect.stringContaining('SECURITY_GROUP'),
    });
  });

  it('answers every input with a resource or a VALIDATION_ERROR whose messages never echo the input', () => {
    const marker = 'ECHO-ME-7f3a';
    fc.assert(
      fc.property(
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.constant(marker)),
            provider: fc.constantFrom('AWS', 'GCP', 'AZURE', 'APISIX', 'VERCEL', marker),
            credentialId: fc.oneof(fc.uuid(), fc.constant(marker)),
            resourceType: fc.constantFrom(...Object.keys(valid), marker),
            resourceIdentifier: fc.oneof(fc.string(), fc.constant(`sg-${marker}`)),
            region: fc.option(fc.oneof(fc.string(), fc.constant(marker)), { nil: undefined }),
            config: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
          },
          { requiredKeys: [] },
        ),
        (body) => {
          try {
            parseCreateResourceInput(body);
          } catch (error) {
            expect(error).toBeInstanceOf(ServiceError);
            expect((error as ServiceError).code).toBe('VALIDATION_ERROR');
            expect(JSON.stringify((error as ServiceError).details.validationErrors)).not.toContain(marker);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseUpdateResourceInput and parseListResourcesInput', () => {
  it('accepts any subset of the changeable fields and refuses an empty body', () => {
    expect(parseUpdateResourceInput({ credentialId: CREDENTIAL })).toEqual({ credentialId: CREDENTIAL.toLowerCase() });
    expect(parseUpdateResourceInput({ region: null })).toEqual({ region: null });
    expect(validationErrorsOf(() => parseUpdateResourceInput({}))).toEqual({
      body: expect.stringContaining('at least one'),
    });
    expect(validationErrorsOf(() => parseUpdateResourceInput({ isActive: true }))).toEqual({
      isActive: 'Unknown field',
    });
  });

  it('takes an optional credentialId filter and nothing else', () => {
    expect(parseListResourcesInput({})).toEqual({});
    expect(parseListResourcesInput({ credentialId: CREDENTIAL })).toEqual({ credentialId: CREDENTIAL.toLowerCase() });
    expect(validationErrorsOf(() => parseListResourcesInput({ provider: 'AWS' }))).toEqual({
      provider: 'Unknown field',
    });
  });
});

describe('parseAuditLogQuery', () => {
  it('defaults the page size to 50 and normalises from and to to UTC instants', () => {
    expect(parseAuditLogQuery({})).toEqual({ limit: 50 });
    expect(
      parseAuditLogQuery({
        from: '2026-02-18T14:00:00+01:00',
        to: '2026-02-18T13:30:00.5Z',
        limit: '100',
        eventType: 'RESOURCE_UPDATE',
      }),
    ).toEqual({
      from: '2026-02-18T13:00:00.000Z',
      to: '2026-02-18T13:30:00.500Z',
      limit: 100,
      eventType: 'RESOURCE_UPDATE',
    });
  });

  it.each([
    [{ from: '2026-02-18' }, 'from'],
    [{ to: '2026-02-30T00:00:00Z' }, 'to'],
    [{ from: '2026-02-18T13:00:00Z', to: '2026-02-18T12:59:59Z' }, 'to'],
    [{ limit: '50.5' }, 'limit'],
    [{ cursor: 'a b' }, 'cursor'],
  ])('refuses %j', (query, field) => {
    expect(Object.keys(validationErrorsOf(() => parseAuditLogQuery(query)))).toEqual([field]);
  });
});
