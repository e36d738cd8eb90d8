import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { routes } from '#functions/routes.ts';
import { mintToken } from '#shared/auth/mint-token.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { findCredentialSummary } from '#shared/credentials/credential-reads.ts';
import { table } from '#shared/runtime/clients.ts';
import { awsCredential } from '../test/helpers/credential-fixtures.ts';
import { lambdaEvents } from '../test/helpers/infra/lambda-events.ts';
import { securityGroupResource } from '../test/helpers/resource-fixtures.ts';
import { apiEvent, auditItem, callRoute, marshall, principalOf, uuidv7 } from './in-process.ts';
import type { StandInsInfo } from './stand-ins.ts';

/** One request's worth of input: the event the service's function gets and what its floor gets. */
export interface Case {
  event: unknown;
  floor: unknown;
}

/** How one function is exercised: fresh state per request, and how to tell that it succeeded. */
export interface Scenario {
  handler: string;
  /** A second scenario of the same function (its own row, `<handler> (<variant>)`): another path through it. */
  variant?: string;
  /** The module under bench/floors/ that makes the same AWS calls with nothing but the SDK clients. */
  floor: string;
  /** An API route, measured warm in this process as well. */
  route: boolean;
  /** Settings of its own, for the service and the floor alike. */
  env?: Record<string, string>;
  next(): Promise<Case>;
  succeeded(result: any): boolean;
}

const ok = (response: { statusCode?: number }) => response?.statusCode !== undefined && response.statusCode < 300;

export function scenarios(standIns: StandInsInfo): Scenario[] {
  const { identity, securityGroup, roleArn } = standIns;
  const keys = { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey };
  const org = () => principalOf(`bench-${randomUUID()}`);
  const newCredential = async (principal: Principal, name = `cred-${randomUUID()}`): Promise<string> =>
    (await callRoute('create-credential', principal, { body: awsCredential(name, keys) })).id;
  const newResource = async (principal: Principal, credentialId: string): Promise<string> =>
    (
      await callRoute('create-resource', principal, {
        body: securityGroupResource(`res-${randomUUID()}`, credentialId, {
          resourceIdentifier: securityGroup.groupId,
          region: securityGroup.region,
        }),
      })
    ).id;
  /** Runs `setup` once, on first use. */
  const once = <T>(setup: () => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= setup());
  };

  const api = (handler: string, next: Scenario['next'], floor = handler): Scenario => ({
    handler,
    floor,
    route: true,
    next,
    succeeded: ok,
  });

  const readOrg = once(async () => {
    const principal = org();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await newCredential(principal));
    const resources: string[] = [];
    for (const credentialId of ids.slice(0, 2))
      for (let i = 0; i < 3; i++) resources.push(await newResource(principal, credentialId));
    await callRoute('aws-role-setup', principal);
    return { principal, ids, resources };
  });
  /** Resources checked through an ASSUME_ROLE credential (the organization's external ID made first, as the setup does). */
  const roleOrg = once(async () => {
    const principal = org();
    await callRoute('aws-role-setup', principal);
    const roleCredential = async () =>
      (
        await callRoute('create-credential', principal, {
          body: {
            name: `role-${randomUUID()}`,
            provider: 'AWS',
            credentialType: 'ASSUME_ROLE',
            credentialData: { roleArn },
          },
        })
      ).id;
    const [service, floor] = [await roleCredential(), await roleCredential()];
    return {
      principal,
      serviceResource: await newResource(principal, service),
      floorResource: await newResource(principal, floor),
    };
  });
  const writeOrg = once(async () => {
    const principal = org();
    return { principal, service: await newCredential(principal), floor: await newCredential(principal) };
  });
  const resourceOrg = once(async () => {
    const principal = org();
    const service = await newCredential(principal);
    const floor = await newCredential(principal);
    return {
      principal,
      service,
      floor,
      serviceResource: await newResource(principal, service),
      floorResource: await newResource(principal, floor),
    };
  });

  return [
    api('create-credential', async () => {
      const { principal } = await writeOrg();
      const orgId = principal.orgId;
      const id = uuidv7();
      const now = new Date().toISOString();
      const name = `cred-${randomUUID()}`;
      return {
        event: apiEvent('create-credential', principal, { body: awsCredential(`cred-${randomUUID()}`, keys) }),
        floor: {
          orgId,
          id,
          credential: marshall({
            pk: `ORG#${orgId}`,
            sk: `CRED#${id}`,
            orgId,
            id,
            name,
            provider: 'AWS',
            credentialType: 'ACCESS_KEY',
            status: 'UNVERIFIED',
            lastVerifiedAt: null,
            verificationError: null,
            verifiedIdentity: null,
            hint: `${keys.accessKeyId.slice(0, 4)}…${keys.accessKeyId.slice(-4)}`,
            createdAt: now,
            updatedAt: now,
            secretVersion: 1,
            linkCount: 0,
            dueShard: 'DUE#0',
            dueAt: `U#${now}`,
          }),
          nameClaim: marshall({ pk: `ORG#${orgId}`, sk: `NAME#${name}`, credentialId: id }),
          audit: auditItem(orgId, {
            eventType: 'CREDENTIAL_CREATE',
            resourceType: 'CREDENTIAL',
            resourceId: id,
            resourceName: name,
          }),
          message: JSON.stringify({ orgId, credentialId: id, secretVersion: 1, attempt: 1 }),
        },
      };
    }),
    api('list-credentials', async () => {
      const { principal } = await readOrg();
      return { event: apiEvent('list-credentials', principal), floor: { orgId: principal.orgId } };
    }),
    api('get-credential', async () => {
      const { principal, ids } = await readOrg();
      return {
        event: apiEvent('get-credential', principal, { pathParameters: { id: ids[0]! } }),
        floor: { orgId: principal.orgId, id: ids[1]! },
      };
    }),
    api('get-required-policy', async () => {
      // The first two credentials of the read organization have three security groups each.
      const { principal, ids } = await readOrg();
      return {
        event: apiEvent('get-required-policy', principal, { pathParameters: { id: ids[0]! } }),
        floor: { orgId: principal.orgId, id: ids[1]! },
      };
    }),
    api('update-credential', async () => {
      const { principal, service, floor } = await writeOrg();
      return {
        event: apiEvent('update-credential', principal, {
          pathParameters: { id: service },
          body: { credentialData: keys },
        }),
        floor: {
          orgId: principal.orgId,
          id: floor,
          hint: `${keys.accessKeyId.slice(0, 4)}…${keys.accessKeyId.slice(-4)}`,
          updatedAt: new Date().toISOString(),
          audit: auditItem(principal.orgId, {
            eventType: 'CREDENTIAL_UPDATE',
            resourceType: 'CREDENTIAL',
            resourceId: floor,
            resourceName: null,
          }),
        },
      };
    }),
    api('delete-credential', async () => {
      const { principal } = await writeOrg();
      const [service, floor] = [await newCredential(principal), await newCredential(principal)];
      return {
        event: apiEvent('delete-credential', principal, { pathParameters: { id: service } }),
        floor: {
          orgId: principal.orgId,
          id: floor,
          audit: auditItem(principal.orgId, {
            eventType: 'CREDENTIAL_DELETE',
            resourceType: 'CREDENTIAL',
            resourceId: floor,
            resourceName: null,
          }),
        },
      };
    }),
    api('verify-credential', async () => {
      const { principal, service, floor } = await writeOrg();
      // The check the last request started is over, so this one starts a check (its most expensive path).
      await endCheck(principal, service);
      await endCheck(principal, floor);
      return {
        event: apiEvent('verify-credential', principal, { pathParameters: { id: service } }),
        floor: {
          orgId: principal.orgId,
          id: floor,
          audit: auditItem(principal.orgId, {
            eventType: 'CREDENTIAL_VERIFY',
            resourceType: 'CREDENTIAL',
            resourceId: floor,
            resourceName: null,
          }),
        },
      };
    }),
    api('aws-role-setup', async () => {
      const { principal } = await readOrg();
      return { event: apiEvent('aws-role-setup', principal), floor: { orgId: principal.orgId } };
    }),
    api('create-resource', async () => {
      const { principal, service, floor } = await resourceOrg();
      const orgId = principal.orgId;
      const id = uuidv7();
      const now = new Date().toISOString();
      const body = securityGroupResource(`res-${randomUUID()}`, floor, {
        resourceIdentifier: securityGroup.groupId,
        region: securityGroup.region,
      });
      return {
        event: apiEvent('create-resource', principal, {
          body: securityGroupResource(`res-${randomUUID()}`, service, {
            resourceIdentifier: securityGroup.groupId,
            region: securityGroup.region,
          }),
        }),
        floor: {
          orgId,
          credentialId: floor,
          resource: marshall({
            pk: `ORG#${orgId}`,
            sk: `RES#${id}`,
            orgId,
            id,
            ...body,
            isActive: false,
            lastVerifiedAt: null,
            permissionCheck: null,
            createdAt: now,
            updatedAt: now,
            revision: 1,
          }),
          link: marshall({ pk: `ORG#${orgId}`, sk: `LINK#${floor}#${id}`, credentialId: floor, resourceId: id }),
          audit: auditItem(orgId, {
            eventType: 'RESOURCE_CREATE',
            resourceType: 'RESOURCE',
            resourceId: id,
            resourceName: body.name,
          }),
        },
      };
    }),
    api('list-resources', async () => {
      const { principal } = await readOrg();
      return { event: apiEvent('list-resources', principal), floor: { orgId: principal.orgId } };
    }),
    api('get-resource', async () => {
      const { principal, resources } = await readOrg();
      return {
        event: apiEvent('get-resource', principal, { pathParameters: { id: resources[0]! } }),
        floor: { orgId: principal.orgId, id: resources[1]! },
      };
    }),
    api('update-resource', async () => {
      const { principal, serviceResource, floorResource } = await resourceOrg();
      const name = `res-${randomUUID()}`;
      return {
        event: apiEvent('update-resource', principal, {
          pathParameters: { id: serviceResource },
          body: { name: `res-${randomUUID()}` },
        }),
        floor: {
          orgId: principal.orgId,
          id: floorResource,
          name,
          updatedAt: new Date().toISOString(),
          audit: auditItem(principal.orgId, {
            eventType: 'RESOURCE_UPDATE',
            resourceType: 'RESOURCE',
            resourceId: floorResource,
            resourceName: name,
          }),
        },
      };
    }),
    api('delete-resource', async () => {
      const { principal, service, floor } = await resourceOrg();
      const [serviceResource, floorResource] = [
        await newResource(principal, service),
        await newResource(principal, floor),
      ];
      return {
        event: apiEvent('delete-resource', principal, { pathParameters: { id: serviceResource } }),
        floor: {
          orgId: principal.orgId,
          id: floorResource,
          audit: auditItem(principal.orgId, {
            eventType: 'RESOURCE_DELETE',
            resourceType: 'RESOURCE',
            resourceId: floorResource,
            resourceName: null,
          }),
        },
      };
    }),
    api('verify-resource', async () => {
      const { principal, serviceResource, floorResource } = await resourceOrg();
      return {
        event: apiEvent('verify-resource', principal, { pathParameters: { id: serviceResource } }),
        floor: { orgId: principal.orgId, id: floorResource, ...keys },
      };
    }),
    {
      ...api('verify-resource', async () => {
        const { principal, serviceResource, floorResource } = await roleOrg();
        return {
          event: apiEvent('verify-resource', principal, { pathParameters: { id: serviceResource } }),
          floor: { orgId: principal.orgId, id: floorResource, ...keys, roleArn },
        };
      }),
      variant: 'role',
    },
    api('list-audit-logs', async () => {
      const { principal } = await readOrg();
      return { event: apiEvent('list-audit-logs', principal), floor: { orgId: principal.orgId } };
    }),
    ...['health', 'get-openapi-document'].map((handler) =>
      api(handler, async () => ({ event: apiEvent(handler, null), floor: {} }), 'no-aws-calls'),
    ),
    {
      handler: 'verification-consumer',
      floor: 'verification-consumer',
      route: false,
      next: async () => {
        const { principal, service, floor } = await writeOrg();
        // A check the consumer really runs: a new one each time (the last one's verdict ended it).
        const message = {
          orgId: principal.orgId,
          credentialId: service,
          secretVersion: await versionOf(principal, service),
          checkId: await freshCheck(principal, service),
          attempt: 1,
        };
        return {
          event: lambdaEvents.sqs(standIns.queueArn, [JSON.stringify(message)]),
          floor: { orgId: principal.orgId, id: floor, checkId: await freshCheck(principal, floor), ...keys },
        };
      },
      succeeded: (result) => Array.isArray(result?.batchItemFailures) && result.batchItemFailures.length === 0,
    },
    {
      handler: 'verification-sweep',
      floor: 'verification-sweep',
      route: false,
      // Credentials the other scenarios made would fall due during the run; the sweep is measured with none due.
      env: { SWEEP_UNVERIFIED_MINUTES: '1000000', SWEEP_VERIFIED_HOURS: '1000000' },
      next: async () => ({
        event: lambdaEvents.schedule('arn:aws:events:us-east-1:000000000000:rule/sweep'),
        floor: {},
      }),
      succeeded: (result) => typeof result?.queued === 'number',
    },
    {
      handler: 'authorizer',
      floor: 'authorizer',
      route: false,
      next: async () => {
        const token = await mintToken({ secret: standIns.jwtSecret, orgId: `bench-${randomUUID()}` });
        return {
          event: lambdaEvents.token(token, routes.find((route) => route.handler === 'list-credentials')!),
          floor: {},
        };
      },
      succeeded: (result) => result?.policyDocument?.Statement?.[0]?.Effect === 'Allow',
    },
  ];
}

/** Rotations (update-credential) bump the version a verification message must name. */
async function versionOf(principal: Principal, id: string): Promise<number> {
  return (await findCredentialSummary(table.get(), principal.orgId, id))!.secretVersion;
}

/** Starts a new check on the credential (an id and a live lease, as "check again" does) and returns its id. */
async function freshCheck(principal: Principal, id: string): Promise<string> {
  const checkId = uuidv7();
  await table.get().client.send(
    new UpdateCommand({
      TableName: table.get().name,
      Key: { pk: `ORG#${principal.orgId}`, sk: `CRED#${id}` },
      UpdateExpression: 'SET checkId = :checkId, checkLeaseUntil = :lease, checkAttempt = :first',
      ExpressionAttributeValues: {
        ':checkId': checkId,
        ':lease': new Date(Date.now() + 600_000).toISOString(),
        ':first': 1,
      },
    }),
  );
  return checkId;
}

/** Ends the credential's check (its lease), so the next "check again" starts one instead of joining it. */
async function endCheck(principal: Principal, id: string): Promise<void> {
  await table.get().client.send(
    new UpdateCommand({
      TableName: table.get().name,
      Key: { pk: `ORG#${principal.orgId}`, sk: `CRED#${id}` },
      UpdateExpression: 'REMOVE checkLeaseUntil',
    }),
  );
}
