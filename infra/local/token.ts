import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintToken } from '#shared/auth/mint-token.ts';
import { localJwtSecret } from './jwt-secret.ts';

const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    role: { type: 'string', multiple: true },
    email: { type: 'string' },
    user: { type: 'string' },
    'expires-in': { type: 'string' },
  },
});

if (!values.org) {
  process.stderr.write(
    'usage: npm run token -- --org <orgId> [--role ORG_ADMIN|USER]... [--email a@b] [--user id] [--expires-in 12h]\n',
  );
  process.exit(2);
}

const secret = process.env.JWT_SECRET || localJwtSecret(resolve(process.env.DATA_DIR ?? '.data'));
const token = await mintToken({
  secret,
  orgId: values.org,
  roles: values.role ?? ['ORG_ADMIN'],
  ...(values.email && { email: values.email }),
  ...(values.user && { userId: values.user }),
  ...(values['expires-in'] && { expiresIn: values['expires-in'] }),
});
process.stdout.write(`${token}\n`);
