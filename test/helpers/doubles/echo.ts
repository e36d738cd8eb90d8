/** The ways a careless provider echoes a credential it was sent: as sent, or encoded, re-cased or broken up. */
export const ECHO_ENCODINGS = ['plain', 'base64', 'base64url', 'hex', 'url', 'upper', 'split'] as const;

export type EchoEncoding = (typeof ECHO_ENCODINGS)[number];

/** A double's `echoCredentials` option: `true` echoes as sent (`'plain'`), an encoding echoes in that form. */
export type EchoOption = boolean | EchoEncoding;

/** `sent` as a double set to `how` puts it into its answer. */
export function echoed(sent: string, how: EchoOption | undefined): string {
  const bytes = Buffer.from(sent, 'utf8');
  switch (how === true ? 'plain' : how) {
    case undefined:
    case false:
      return '';
    case 'plain':
      return sent;
    case 'base64':
      return bytes.toString('base64');
    case 'base64url':
      return bytes.toString('base64url');
    case 'hex':
      return bytes.toString('hex');
    case 'url':
      return encodeURIComponent(sent);
    case 'upper':
      return sent.toUpperCase();
    case 'split':
      // In pieces of four, as a log line or a form field that wraps might show it.
      return (sent.match(/.{1,4}/gs) ?? []).join(' ');
  }
}
