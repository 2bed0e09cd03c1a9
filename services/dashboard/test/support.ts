import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig, type ResolveHost } from '@render-signal/config';
import { createLogger } from '@render-signal/logger';
import { DASHBOARD_TEST_ENV, DASHBOARD_TEST_LOGIN, deleteKeys, testRedisUrl, uniquePrefix } from '@render-signal/testing';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { buildDashboardDeps, createDashboardApp, listen, type DashboardDeps } from '@render-signal/dashboard';

export const USER = DASHBOARD_TEST_LOGIN.user;
export const PASSWORD = DASHBOARD_TEST_LOGIN.password;
export const API_KEY = 'automation-key-0123456789abcdef';
export const SECRET_KEY = DASHBOARD_TEST_ENV.FLASK_SECRET_KEY;

/** Public hosts resolve to a public address, `*.internal.example` to a private one; nothing leaves. */
export const fakeResolve: ResolveHost = async (host) => (host.endsWith('.internal.example') ? ['10.1.2.3'] : ['93.184.216.34']);

export interface LogLine {
  code?: string;
  [key: string]: unknown;
}

export interface TestDashboard {
  url: string;
  app: Express;
  deps: DashboardDeps;
  redis: Redis;
  prefix: string;
  logs: LogLine[];
  stop(): Promise<void>;
}

/** The dashboard app on a free loopback port, over the run's private Redis with its own prefix. */
export async function startDashboard(options: { env?: Record<string, string>; clock?: () => Date } = {}): Promise<TestDashboard> {
  const prefix = uniquePrefix('dashboard');
  const config = loadConfig(
    {
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      ...DASHBOARD_TEST_ENV,
      TEST_API_KEY: API_KEY,
      WEBHOOK_URL: 'https://hooks.example.com/in',
      ...options.env,
    },
    { services: ['dashboard'] },
  );
  const logs: LogLine[] = [];
  const log = createLogger({
    service: 'dashboard',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
        done();
      },
    }),
  });
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const { deps, close } = buildDashboardDeps({ config, redis, log, clock: options.clock ?? (() => new Date()), resolveHost: fakeResolve });
  const app = createDashboardApp(deps);
  const server: Server = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app,
    deps,
    redis,
    prefix,
    logs,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
      await redis.quit();
      await deleteKeys(testRedisUrl(), prefix);
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/** A minimal HTTP client with a cookie jar, sending what a browser on this origin would send. */
export class Client {
  private readonly cookies = new Map<string, string>();

  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    options: { form?: Record<string, string | string[]>; json?: unknown; headers?: Record<string, string>; sameOrigin?: boolean } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader;
    if (options.sameOrigin !== false && method !== 'GET') headers['sec-fetch-site'] ??= 'same-origin';
    let body: string | undefined;
    if (options.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = typeof options.json === 'string' ? options.json : JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
  }

  /** The CSRF token of the current session, read from a page's form. */
  async csrf(path = '/login'): Promise<string> {
    const page = await this.request('GET', path);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!match) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
    return match[1]!;
  }

  async login(user: string = USER, password: string = PASSWORD): Promise<Answer> {
    const token = await this.csrf('/login');
    return this.request('POST', '/login', { form: { _csrf: token, username: user, password } });
  }
}
