import type { Route } from '#functions/routes.ts';

export interface RouteMatch {
  route: Route;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
}

/** Matches a request to the route table the way API Gateway does: literal segments win over `{param}` ones. */
export function routeMatcher(routes: readonly Route[]) {
  const compiled: CompiledRoute[] = routes
    .map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return {
        route,
        pattern: new RegExp(`^${source}/?$`),
        names,
        literalSegments: route.path.split('/').length - names.length,
      };
    })
    .sort((a, b) => b.literalSegments - a.literalSegments);

  return (method: string, path: string): RouteMatch | undefined => {
    for (const candidate of compiled) {
      const head = method === 'HEAD' && candidate.route.head === true;
      if (candidate.route.method !== method && !head) continue;
      const match = candidate.pattern.exec(path);
      if (!match) continue;
      const pathParameters = Object.fromEntries(candidate.names.map((name, i) => [name, decodeSegment(match[i + 1]!)]));
      return { route: candidate.route, pathParameters };
    }
    return undefined;
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
