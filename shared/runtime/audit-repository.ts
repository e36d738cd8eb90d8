import { AuditRepository } from '../audit/audit-repository.ts';
import { lazy } from './lazy.ts';
import { table } from './table.ts';

export const auditRepository = lazy(() => new AuditRepository(table.get().client, table.get().name));
