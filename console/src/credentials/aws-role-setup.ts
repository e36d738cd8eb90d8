import type { CredentialsApi } from '../api/credentials-api.ts';
import { h } from '../ui/dom.ts';

/** What an admin needs before creating an ASSUME_ROLE credential: the external ID and the trust policy. */
export function awsRoleSetup(api: CredentialsApi): HTMLElement {
  const panel = h(
    'div',
    { class: 'role-setup', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Loading the role setup…'),
  );
  api.awsRoleSetup().then(
    (setup) =>
      panel.replaceChildren(
        h('p', {}, 'Create an IAM role that trusts this principal with this external ID, then enter the role’s ARN.'),
        h(
          'dl',
          { class: 'pairs' },
          h('dt', {}, 'External ID'),
          h('dd', {}, h('code', {}, setup.externalId)),
          h('dt', {}, 'Principal'),
          h('dd', {}, h('code', {}, setup.principalArn)),
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Trust policy'),
          h(
            'pre',
            {},
            typeof setup.trustPolicy === 'string' ? setup.trustPolicy : JSON.stringify(setup.trustPolicy, null, 2),
          ),
        ),
      ),
    () =>
      panel.replaceChildren(
        h('p', { class: 'muted' }, 'The role setup (external ID and trust policy) could not be loaded from the API.'),
      ),
  );
  return panel;
}
