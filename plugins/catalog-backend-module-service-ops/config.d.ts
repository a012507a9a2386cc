export interface Config {
  serviceOps?: {
    localFiles?: {
      /**
       * Directories whose files the UrlReader may read through `file:` URLs
       * (absolute, or relative to the backend's working directory).
       */
      allow?: string[];
    };
    topology?: {
      /**
       * Names in topology documents that stand for platform-wide entities, e.g.
       * `NATS: resource:default/nats-jetstream`. Default: NATS -> resource:default/nats-jetstream.
       */
      sharedResources?: { [name: string]: string };
    };
  };
}
