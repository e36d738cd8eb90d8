import { config } from '../config.ts';
import { createKeyProvider } from '../crypto/key-provider-factory.ts';
import { lazy } from './lazy.ts';

export const keyProvider = lazy(() => createKeyProvider(config()));
