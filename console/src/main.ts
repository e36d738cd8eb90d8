import { apiClient } from './api/api-client.ts';
import { credentialsApi } from './api/credentials-api.ts';
import { loadConsoleConfig } from './auth/console-config.ts';
import { sessionBar } from './auth/session-bar.ts';
import { signInView } from './auth/sign-in-view.ts';
import { tokenStore } from './auth/token-store.ts';
import { credentialsPage } from './credentials/credentials-page.ts';

const app = document.getElementById('app')!;
const session = document.getElementById('session')!;
const config = await loadConsoleConfig();

/**
 * A token pasted in this tab wins; else the development token the local server hands out; else sign in. A 401
 * from the API ends the session and asks for a token, without falling back to the refused development token.
 */
function start(notice: string | null, developmentTokenAllowed: boolean): void {
  const pasted = tokenStore.get();
  const token = pasted ?? (developmentTokenAllowed ? config.developmentToken : undefined);
  if (token === undefined) {
    session.replaceChildren();
    app.replaceChildren(
      signInView({
        notice,
        onToken: (value) => {
          tokenStore.set(value);
          start(null, false);
        },
      }),
    );
    return;
  }
  const page = credentialsPage(
    credentialsApi(
      apiClient({
        baseUrl: config.apiBaseUrl,
        token,
        onUnauthorized: () => {
          page.dispose();
          tokenStore.clear();
          start('The API refused the token: it has expired or is not valid here. Sign in again.', false);
        },
      }),
    ),
  );
  session.replaceChildren(
    sessionBar({
      token,
      development: pasted === null,
      onSignOut: () => {
        page.dispose();
        tokenStore.clear();
        start(null, false);
      },
    }),
  );
  app.replaceChildren(page.element);
}

start(null, true);
