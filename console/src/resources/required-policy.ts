import { ApiError, problemText } from '../api/api-error.ts';
import type { Credential, CredentialsApi } from '../api/credentials-api.ts';
import { awsRoleSetup, policyText } from '../credentials/aws-role-setup.ts';
import { copyButton } from '../ui/copy-button.ts';
import { h } from '../ui/dom.ts';
import { resourceTypeLabel } from './resource-kinds.ts';

/** Set once the API answered `404 NOT_FOUND` for the route: an API without it; the screen stops asking. */
let routeMissing = false;

/**
 * The least-privilege policy the credential's principal needs for the resources linked to it now (contract §6.3),
 * with a Copy button; for an AWS role, the trust policy of the role setup beside it. Shown only when the API has
 * the route: a `404 NOT_FOUND` (no such route, as opposed to `CREDENTIAL_NOT_FOUND`) hides the section.
 */
export function requiredPolicySection(api: CredentialsApi, credential: Credential) {
  const body = h('div', { class: 'policy-body', 'aria-live': 'polite' });
  const trust =
    credential.provider === 'AWS' && credential.credentialType === 'ASSUME_ROLE'
      ? h('div', { class: 'policy-part' }, h('h3', {}, 'Trust policy of the role'), awsRoleSetup(api, { open: true }))
      : null;
  const part = h('div', { class: 'policy-part' }, body);
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'policy-heading' },
    h('h2', { id: 'policy-heading' }, 'Required policy'),
    h('div', { class: 'policy-grid' }, part, trust),
  );
  /** Without the route, an AWS role still shows its trust policy; anything else hides the section. */
  const hideMissing = () => {
    part.hidden = true;
    element.hidden = trust === null;
  };
  if (routeMissing) hideMissing();

  async function refresh(): Promise<void> {
    if (routeMissing) {
      hideMissing();
      return;
    }
    body.replaceChildren(h('p', { class: 'muted' }, 'Loading the policy…'));
    try {
      const answer = await api.requiredPolicy(credential.id);
      const policy = answer.policy === null || answer.policy === undefined ? null : policyText(answer.policy);
      body.replaceChildren(
        ...[
          h(
            'p',
            {},
            answer.includedResources.length === 0
              ? 'No resource uses this credential yet: this is what verifying the credential alone needs.'
              : 'What this credential needs for the resources that use it now:',
          ),
          answer.includedResources.length === 0
            ? null
            : h(
                'ul',
                { class: 'included-resources' },
                ...answer.includedResources.map((resource) =>
                  h(
                    'li',
                    {},
                    `${resource.name}: ${resourceTypeLabel(answer.provider, resource.resourceType)} `,
                    h('code', {}, resource.resourceIdentifier),
                    resource.region ? ` in ${resource.region}` : '',
                  ),
                ),
              ),
          answer.note ? h('p', { class: 'note' }, answer.note) : null,
          policy === null
            ? null
            : h(
                'div',
                { class: 'code-block' },
                h(
                  'div',
                  { class: 'code-actions' },
                  h('h3', {}, 'Policy'),
                  copyButton('policy', () => policy),
                ),
                h('pre', { tabindex: '0', 'aria-label': 'Policy' }, policy),
              ),
          answer.command
            ? h(
                'div',
                { class: 'code-block' },
                h(
                  'div',
                  { class: 'code-actions' },
                  h('h3', {}, 'Command'),
                  copyButton('command', () => answer.command ?? ''),
                ),
                h('pre', { tabindex: '0', 'aria-label': 'Command' }, answer.command),
              )
            : null,
        ].filter((node) => node !== null),
      );
      element.hidden = false;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 404 && error.code === 'NOT_FOUND') {
        routeMissing = true;
        hideMissing();
        return;
      }
      body.replaceChildren(h('p', { class: 'muted' }, `The policy could not be loaded. ${problemText(error)}`));
    }
  }

  return { element, refresh };
}
