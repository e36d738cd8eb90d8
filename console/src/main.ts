import { apiClient } from './api/api-client.ts';
import { credentialsApi } from './api/credentials-api.ts';
import { resourcesApi } from './api/resources-api.ts';
import { loadConsoleConfig } from './auth/console-config.ts';
import { forbiddenView } from './auth/forbidden-view.ts';
import { sessionBar } from './auth/session-bar.ts';
import { signInView } from './auth/sign-in-view.ts';
import { tokenClaims, tokenStore } from './auth/token-store.ts';
import type { ConsoleContext, Screen } from './console-context.ts';
import { credentialPage } from './credentials/credential-page.ts';
import { credentialStore } from './credentials/credential-store.ts';
import { credentialsPage } from './credentials/credentials-page.ts';
import { keptFields } from './credentials/kept-fields.ts';
import { h } from './ui/dom.ts';

const app = document.getElementById('app')!;
const session = document.getElementById('session')!;
const breadcrumb = document.getElementById('breadcrumb')!;
const pageTitle = document.getElementById('page-title')!;
const config = await loadConsoleConfig();

/** `#/` the credentials; `#/credentials/{id}` one credential and its resources; `…/resources/{id}` focuses one. */
function route(): { credentialId?: string; resourceId?: string } {
  const match = /^#\/credentials\/([^/]+)(?:\/resources\/([^/]+))?$/.exec(location.hash);
  if (!match) return {};
  return { credentialId: decodeURIComponent(match[1]!), ...(match[2] && { resourceId: decodeURIComponent(match[2]) }) };
}

function showTitle(title: string, credentialScreen: boolean): void {
  pageTitle.textContent = title;
  document.title = `${title} · EntryGuard Admin`;
  breadcrumb.replaceChildren(
    h('li', {}, 'Admin'),
    ...(credentialScreen
      ? [h('li', {}, h('a', { href: '#/' }, 'Credentials')), h('li', { 'aria-current': 'page' }, title)]
      : [h('li', { 'aria-current': 'page' }, 'Credentials')]),
  );
}

/**
 * A token pasted in this tab wins; else the development token the local server hands out; else sign in. A 401
 * from the API ends the session and asks for a token, without falling back to the refused development token.
 */
function start(notice: string | null, developmentTokenAllowed: boolean): void {
  const pasted = tokenStore.get();
  const token = pasted ?? (developmentTokenAllowed ? config.developmentToken : undefined);
  showTitle('Cloud Credentials', false);
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
  const claims = tokenClaims(token);
  const request = apiClient({
    baseUrl: config.apiBaseUrl,
    token,
    onUnauthorized: () => {
      end();
      tokenStore.clear();
      start('The API refused the token: it has expired or is not valid here. Sign in again.', false);
    },
  });
  const api = credentialsApi(request);
  // Tabs of this browser signed in to the same organization share one status poll (the read budget is the org's).
  const organization = `${config.apiBaseUrl}|${claims.orgId ?? ''}`;
  const context: ConsoleContext = {
    api,
    resources: resourcesApi(request),
    store: credentialStore(api, `entryguard.console.poll.${organization}`),
    kept: keptFields(organization),
  };
  let screen: Screen | undefined;

  let navigated = false;
  const show = () => {
    screen?.dispose();
    if (context.store.state.loadError?.status === 403) {
      screen = undefined;
      app.replaceChildren(forbiddenView({ email: claims.email, onSignOut: signOut }));
      return;
    }
    const { credentialId, resourceId } = route();
    screen = credentialId ? credentialPage(context, credentialId, resourceId) : credentialsPage(context);
    showTitle(screen.title(), credentialId !== undefined);
    app.replaceChildren(screen.element);
    // After a link was followed, focus starts at the new screen's heading (or the resource it names).
    if (navigated && !resourceId) pageTitle.focus();
    navigated = true;
  };
  const onStore = () => {
    if (context.store.state.loadError?.status === 403 && screen) show();
    else if (screen) showTitle(screen.title(), route().credentialId !== undefined);
  };
  const unsubscribe = context.store.subscribe(onStore);
  const onHash = () => show();
  window.addEventListener('hashchange', onHash);

  function end(): void {
    window.removeEventListener('hashchange', onHash);
    unsubscribe();
    screen?.dispose();
    screen = undefined;
    context.store.dispose();
  }
  function signOut(): void {
    end();
    tokenStore.clear();
    start(null, false);
  }
  session.replaceChildren(sessionBar({ token, development: pasted === null, onSignOut: signOut }));
  show();
}

start(null, true);
