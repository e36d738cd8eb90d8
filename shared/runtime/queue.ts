import { config } from '../config.ts';
import { createQueue } from '../queue/queue-factory.ts';
import { lazy } from './lazy.ts';

export const verificationQueue = lazy(() => createQueue(config()));
