/** What the host serving the page tells it, from `console-config.json` next to `index.html`. */
export interface ConsoleConfig {
  /** The API's base URL without `/api/v1`; empty when the API is on the page's own origin. */
  apiBaseUrl: string;
  /** Only from the local development server (`npm start`). */
  developmentToken?: string;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const response = await fetch('./console-config.json', { cache: 'no-store', credentials: 'same-origin' }).catch(
    () => undefined,
  );
  const body: unknown = response?.ok ? await response.json().catch(() => undefined) : undefined;
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    apiBaseUrl: typeof fields.apiBaseUrl === 'string' ? fields.apiBaseUrl.replace(/\/+$/, '') : '',
    ...(typeof fields.developmentToken === 'string' && { developmentToken: fields.developmentToken }),
  };
}
