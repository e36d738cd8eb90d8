import { VerificationRepository } from '../verification/verification-repository.ts';
import { lazy } from './lazy.ts';
import { table } from './table.ts';

export const verificationRepository = lazy(() => new VerificationRepository(table.get().client, table.get().name));
