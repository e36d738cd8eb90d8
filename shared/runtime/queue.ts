import { config } from '#shared/config.ts';
import { createQueue } from '#shared/queue/queue-factory.ts';
import { lazy } from './lazy.ts';

export const verificationQueue = lazy(() => createQueue(config()));
