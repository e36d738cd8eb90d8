import type { CredentialsApi } from './api/credentials-api.ts';
import type { ResourcesApi } from './api/resources-api.ts';
import type { CredentialStore } from './credentials/credential-store.ts';
import type { KeptFields } from './credentials/kept-fields.ts';

/** What every screen of a signed-in tab works with. */
export interface ConsoleContext {
  api: CredentialsApi;
  resources: ResourcesApi;
  store: CredentialStore;
  kept: KeptFields;
}

/** A screen: its element, and what to undo when the tab leaves it. */
export interface Screen {
  element: HTMLElement;
  /** The screen's name for the breadcrumb and the page title, once known. */
  title(): string;
  dispose(): void;
}
