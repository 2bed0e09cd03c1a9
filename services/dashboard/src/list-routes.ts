import type { Express, RequestHandler } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

// Express wraps a mounted app in an anonymous function, so its routes cannot be reached from the
// parent's stack: `mountApp` remembers them here.
const mounted = new WeakMap<Express, { path: string; app: Express }[]>();

/** `app.use(path, ...handlers, subApp)`, remembered so that `listRoutes` can walk the sub-app. */
export function mountApp(app: Express, path: string, handlers: RequestHandler[], subApp: Express): void {
  app.use(path, ...handlers, subApp);
  mounted.set(app, [...(mounted.get(app) ?? []), { path, app: subApp }]);
}

const join = (base: string, path: string) => `${base}/${path}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/**
 * Every route an Express app answers, nested routers and mounted apps (Bull Board) included, by
 * walking the router stacks. Tests use it to check each route, rather than a hand-kept list.
 */
export function listRoutes(app: Express, base = '/'): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const p of paths) {
          if (typeof p !== 'string') continue;
          for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== '_all') out.push({ method: method.toUpperCase(), path: join(prefix, p) });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, typeof layer.rawPath === 'string' ? join(prefix, layer.rawPath) : prefix);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, base);
  for (const sub of mounted.get(app) ?? []) out.push(...listRoutes(sub.app, join(base, sub.path)));
  return out;
}
