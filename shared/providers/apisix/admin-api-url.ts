/** `{endpointUrl}/apisix/admin/{path}`, keeping a path prefix (a proxy) and accepting a URL that already ends in `/apisix/admin`. */
export function adminApiUrl(endpointUrl: string, path: string): URL {
  const url = new URL(endpointUrl);
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/apisix\/admin$/, '');
  url.pathname = `${prefix}/apisix/admin/${path}`;
  url.search = '';
  url.hash = '';
  return url;
}
