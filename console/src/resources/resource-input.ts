import type { Resource } from '../api/resources-api.ts';
import { h } from '../ui/dom.ts';
import { type ErrorField, type PlacedError, placeErrors } from '../ui/error-summary.ts';
import { formField, selectField } from '../ui/form-field.ts';
import type { ResourceKindForm } from './resource-kinds.ts';

export interface ResourceValues {
  name: string;
  resourceIdentifier: string;
  region?: string;
  config: Record<string, unknown>;
}

/** Name, identifier, region and the type's config fields, as the add form and the edit dialog ask for them. */
export interface ResourceInput {
  root: HTMLElement;
  /** What to send, and the messages of what cannot be sent as typed (a port that is not a number). */
  read(): { values: ResourceValues; problems: Record<string, string> };
  showErrors(errors: Record<string, string>): PlacedError[];
  focusFirst(): void;
  clear(): void;
}

export function resourceInput(kind: ResourceKindForm, initial?: Resource): ResourceInput {
  const name = formField({ label: 'Name', name: 'resourceName', help: 'How people in your organization call it.' });
  const identifier = formField(kind.identifier);
  const region = kind.region ? formField(kind.region) : undefined;
  const config = kind.config.map((options) => {
    if (options.value === 'protocol') {
      const field = selectField({
        label: options.label,
        name: options.name,
        choices: [
          { value: 'tcp', label: 'TCP' },
          { value: 'udp', label: 'UDP' },
        ],
      });
      return { options, field };
    }
    return { options, field: formField({ ...options, ...(options.value === 'integer' && { inputMode: 'numeric' }) }) };
  });
  const fields = new Map<string, ErrorField>([
    ['name', name],
    ['resourceIdentifier', identifier],
    ...(region ? [['region', region] as const] : []),
    ...config.map(({ options, field }) => [`config.${options.name}`, field] as const),
  ]);

  const fill = (resource: Resource | undefined) => {
    name.control.value = resource?.name ?? '';
    identifier.control.value = resource?.resourceIdentifier ?? '';
    if (region) region.control.value = resource?.region ?? '';
    for (const { options, field } of config) {
      const value = resource?.config[options.name];
      if (options.value === 'protocol') field.control.value = typeof value === 'string' ? value : 'tcp';
      else if (Array.isArray(value)) field.control.value = value.join(', ');
      else field.control.value = value === undefined || value === null ? '' : String(value);
    }
  };
  fill(initial);

  return {
    root: h(
      'div',
      { class: 'resource-fields' },
      name.root,
      identifier.root,
      region?.root,
      config.length > 0
        ? h('fieldset', { class: 'kind-fields' }, h('legend', {}, 'Rule'), ...config.map(({ field }) => field.root))
        : null,
    ),
    read() {
      const problems: Record<string, string> = {};
      const values: ResourceValues = {
        name: name.control.value.trim(),
        resourceIdentifier: identifier.control.value.trim(),
        ...(region && region.control.value.trim() !== '' && { region: region.control.value.trim() }),
        config: {},
      };
      for (const { options, field } of config) {
        const text = field.control.value.trim();
        if (text === '') continue; // Left out, so the API answers "Required" for a required field.
        if (options.value === 'integer') {
          if (/^\d{1,6}$/.test(text)) values.config[options.name] = Number(text);
          else problems[`config.${options.name}`] = 'Must be a whole number';
        } else if (options.value === 'ports') {
          values.config[options.name] = text.split(/[\s,]+/).filter((part) => part !== '');
        } else {
          values.config[options.name] = text;
        }
      }
      return { values, problems };
    },
    showErrors: (errors) => placeErrors(fields, errors),
    focusFirst: () => name.control.focus(),
    clear: () => {
      fill(undefined);
      placeErrors(fields, {});
    },
  };
}
