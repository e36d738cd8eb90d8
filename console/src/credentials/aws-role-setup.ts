import type { CredentialsApi } from '../api/credentials-api.ts';
import { copyButton } from '../ui/copy-button.ts';
import { h } from '../ui/dom.ts';

export function policyText(policy: unknown): string {
  return typeof policy === 'string' ? policy : JSON.stringify(policy, null, 2);
}

/** What an admin needs before creating an ASSUME_ROLE credential: the external ID and the trust policy. */
export function awsRoleSetup(api: CredentialsApi, options: { open?: boolean } = {}): HTMLElement {
  const panel = h(
    'div',
    { class: 'role-setup', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Loading the role setup…'),
  );
  api.awsRoleSetup().then(
    (setup) => {
      const trust = policyText(setup.trustPolicy);
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
          { open: options.open === true },
          h('summary', {}, 'Trust policy'),
          h(
            'div',
            { class: 'code-actions' },
            copyButton('trust policy', () => trust),
          ),
          h('pre', { tabindex: '0', 'aria-label': 'Trust policy' }, trust),
        ),
      );
    },
    () =>
      panel.replaceChildren(
        h('p', { class: 'muted' }, 'The role setup (external ID and trust policy) could not be loaded from the API.'),
      ),
  );
  return panel;
}
