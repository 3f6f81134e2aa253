export interface StaticServerOptions {
  root: string;
  basePath?: string;
  isolate?: boolean;
  port?: number;
  /** A Vary header on every response (e.g. 'Origin', as `vite preview` sends). */
  vary?: string | null;
}

export interface LoggedRequest {
  method: string | undefined;
  url: string | undefined;
  bodyLength: number;
}

export interface StaticServer {
  url: string;
  origin: string;
  port: number;
  requests: LoggedRequest[];
  close(): Promise<void>;
}

export function startStaticServer(opts: StaticServerOptions): Promise<StaticServer>;
