import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  UrlReaderService,
  UrlReaderServiceReadTreeOptions,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchOptions,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  ReaderFactory,
  ReadTreeResponseFactory,
  ReadUrlResponseFactory,
} from '@backstage/backend-defaults/urlReader';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';

/**
 * Reads `file:` URLs below a configured list of directories, so that documents kept
 * in the portal's own repository (`docs/services/...`) are read through the same
 * UrlReader as documents in a remote docs repository.
 *
 * Config: `serviceOps.localFiles.allow` - directories (absolute, or relative to the
 * backend's working directory). Anything outside them is refused.
 */
export class LocalFileUrlReader implements UrlReaderService {
  static factory: ReaderFactory = ({ config, treeResponseFactory }) => {
    const allow =
      config.getOptionalStringArray('serviceOps.localFiles.allow') ?? [];
    if (allow.length === 0) return [];
    const reader = new LocalFileUrlReader({
      roots: allow.map(dir => resolve(dir)),
      treeResponseFactory,
    });
    return [{ reader, predicate: url => url.protocol === 'file:' }];
  };

  private readonly roots: string[];
  private readonly treeResponseFactory: ReadTreeResponseFactory;

  constructor(options: {
    roots: string[];
    treeResponseFactory: ReadTreeResponseFactory;
  }) {
    this.roots = options.roots;
    this.treeResponseFactory = options.treeResponseFactory;
  }

  private pathOf(url: string): string {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (error) {
      throw new InputError(
        `'${url}' is not a file URL: ${(error as Error).message}`,
      );
    }
    const allowed = this.roots.some(root => {
      const rel = relative(root, path);
      return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    });
    if (!allowed) {
      throw new NotAllowedError(
        `reading ${path} is not allowed; it is outside serviceOps.localFiles.allow`,
      );
    }
    return path;
  }

  private static async statOf(path: string) {
    try {
      return await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundError(`${path} does not exist`);
      }
      throw error;
    }
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const path = this.pathOf(url);
    const info = await LocalFileUrlReader.statOf(path);
    if (!info.isFile()) throw new InputError(`${path} is not a file`);
    const etag = createHash('sha256')
      .update(`${info.size}:${info.mtimeMs}`)
      .digest('hex')
      .slice(0, 16);
    if (options?.etag === etag) throw new NotModifiedError();
    if (options?.lastModifiedAfter && info.mtime <= options.lastModifiedAfter) {
      throw new NotModifiedError();
    }
    return ReadUrlResponseFactory.fromReadable(createReadStream(path), {
      etag,
      lastModifiedAt: info.mtime,
    });
  }

  async readTree(
    url: string,
    options?: UrlReaderServiceReadTreeOptions,
  ): Promise<UrlReaderServiceReadTreeResponse> {
    const root = this.pathOf(url);
    const info = await LocalFileUrlReader.statOf(root);
    if (!info.isDirectory()) throw new InputError(`${root} is not a directory`);
    const entries = await readdir(root, {
      recursive: true,
      withFileTypes: true,
    });
    const files = [];
    const hash = createHash('sha256');
    for (const entry of entries.filter(e => e.isFile())) {
      const full = resolve(entry.parentPath, entry.name);
      const fileInfo = await stat(full);
      const rel = relative(root, full);
      if (options?.filter && !options.filter(rel, { size: fileInfo.size }))
        continue;
      hash.update(`${rel}:${fileInfo.size}:${fileInfo.mtimeMs};`);
      files.push({
        path: rel,
        data: createReadStream(full),
        lastModifiedAt: fileInfo.mtime,
      });
    }
    const etag = hash.digest('hex').slice(0, 16);
    if (options?.etag === etag) {
      files.forEach(file => file.data.destroy());
      throw new NotModifiedError();
    }
    return this.treeResponseFactory.fromReadableArray(files);
  }

  async search(
    url: string,
    options?: UrlReaderServiceSearchOptions,
  ): Promise<UrlReaderServiceSearchResponse> {
    if (/[*?[\]{}]/.test(decodeURIComponent(new URL(url).pathname))) {
      throw new InputError(
        `the local file reader searches exact paths only, not glob patterns: ${url}`,
      );
    }
    try {
      const response = await this.readUrl(url, { etag: options?.etag });
      return {
        etag: response.etag ?? '',
        files: [
          {
            url,
            content: response.buffer,
            lastModifiedAt: response.lastModifiedAt,
          },
        ],
      };
    } catch (error) {
      if (error instanceof NotFoundError) return { etag: '', files: [] };
      throw error;
    }
  }
}
