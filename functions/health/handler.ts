import { publicHandler } from '#shared/http/public-handler.ts';
import { json } from '#shared/http/responses.ts';

export const handler = publicHandler(async () => json(200, { status: 'ok' }));
