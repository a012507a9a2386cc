import { KubeConfig, Watch } from '@kubernetes/client-node';

export interface BookmarkWatchOptions {
  /**
   * How long a watch may stay silent before it is taken for dead and renewed, ms. Must
   * exceed the API server's bookmark interval (kube-apiserver: one minute), or quiet
   * watches are renewed for nothing.
   */
  idleTimeoutMs: number;
  /**
   * The server-side bound asked for with `timeoutSeconds`: each watch gets a random one in
   * [min, 2 * min) seconds, so that the watches of one backend do not all end together
   * (client-go's reflector does the same with a 5-minute minimum).
   */
  minTimeoutSeconds: number;
  /** Source of randomness, for tests. */
  random?: () => number;
}

export const DEFAULT_BOOKMARK_WATCH: BookmarkWatchOptions = {
  idleTimeoutMs: 90_000,
  minTimeoutSeconds: 300,
};

/**
 * client-node's `Watch` as a long-lived informer needs it. client-node asks for no bookmarks
 * and ends a watch that has been silent for 30 s, so each watch of a quiet kind (PDBs,
 * ScaledObjects) is renewed twice a minute: most of what a watching backend sends to an
 * API server. This one asks for bookmarks (the server then sends one at least every
 * minute, which also keeps the resourceVersion fresh and spares a relist after 410 Gone),
 * sets a server-side timeout as client-go does, and waits longer than the bookmark
 * interval before it gives a silent watch up. A dropped connection still ends the watch
 * at once; only a connection that hangs without closing takes up to `idleTimeoutMs` to be
 * noticed.
 */
export class BookmarkWatch extends Watch {
  private readonly options: BookmarkWatchOptions;

  constructor(config: KubeConfig, options: Partial<BookmarkWatchOptions> = {}) {
    super(config);
    this.options = { ...DEFAULT_BOOKMARK_WATCH, ...options };
    // client-node 2.x keeps its fixed 30 s inactivity timeout in a private field with no
    // option to change it; the test of this class fails if a release renames it.
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs =
      this.options.idleTimeoutMs;
  }

  override watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    done: (err: any) => void,
  ): Promise<AbortController> {
    const random = this.options.random ?? Math.random;
    const min = this.options.minTimeoutSeconds;
    return super.watch(
      path,
      {
        allowWatchBookmarks: true,
        timeoutSeconds: Math.floor(min * (1 + random())),
        ...queryParams,
      },
      callback,
      done,
    );
  }
}
