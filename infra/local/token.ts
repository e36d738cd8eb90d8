import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintToken } from '#shared/auth/mint-token.ts';
import { localJwtSecret } from './jwt-secret.ts';
import { LocalSetupError } from './private-files.ts';

const USAGE =
  'usage: npm run token -- --org <orgId> [--role ORG_ADMIN|USER]... [--email a@b] [--user id] [--expires-in 12h]\n' +
  "  Prints an HS256 token signed with the local server's secret (DATA_DIR/jwt-secret, or JWT_SECRET).\n";

function parsed() {
  try {
    return parseArgs({
      options: {
        org: { type: 'string' },
        role: { type: 'string', multiple: true },
        email: { type: 'string' },
        user: { type: 'string' },
        'expires-in': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    // An unknown option or a missing value: say which, then how to call it.
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parsed();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!values.org) {
  process.stderr.write(USAGE);
  process.exit(2);
}

let secret: string;
try {
  secret = process.env.JWT_SECRET || localJwtSecret(resolve(process.env.DATA_DIR ?? '.data'));
} catch (error) {
  if (!(error instanceof LocalSetupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const token = await mintToken({
  secret,
  orgId: values.org,
  roles: values.role ?? ['ORG_ADMIN'],
  ...(values.email && { email: values.email }),
  ...(values.user && { userId: values.user }),
  ...(values['expires-in'] && { expiresIn: values['expires-in'] }),
});
process.stdout.write(`${token}\n`);
