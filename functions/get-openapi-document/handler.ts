import { publicHandler } from '#shared/http/public-handler.ts';
import { json } from '#shared/http/responses.ts';
import document from '../../openapi/openapi.json' with { type: 'json' };

/** The API's OpenAPI 3.1 document, bundled into the function (it is the file in the repository, not a copy). */
export const handler = publicHandler(async () => json(200, document));
