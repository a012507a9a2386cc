export interface Config {
  serviceOps?: {
    liveState?: {
      /** How often pod metrics (metrics.k8s.io) are sampled per cluster. Default 15. */
      metricsIntervalSeconds?: number;
      /**
       * A watch silent for this long is taken for dead and renewed. Watches ask for bookmarks,
       * which kube-apiserver sends every minute: keep it above that. Default 90.
       */
      watchIdleTimeoutSeconds?: number;
      /** Changes within this many milliseconds are pushed as one signal. Default 250. */
      pushDebounceMs?: number;
      /** An entity's changes are pushed for this long after a client last read it. Default 3600. */
      pushInterestSeconds?: number;
    };
    history?: {
      /** How often replicas and metric values are sampled into the database. Default 30. */
      intervalSeconds?: number;
      /** How long samples are kept. Default 7. */
      retentionDays?: number;
    };
    /** Operator actions (durable operations run by the backend). */
    operations?: {
      /** An executor's claim on an operation lasts this long without a write. Default 30. */
      leaseSeconds?: number;
      /** How often executors look for runnable operations, in milliseconds. Default 1000. */
      pollMs?: number;
      /** The collab drain (notify clients, then recreate the pods). */
      collabDrain?: {
        /** The container that can be drained. Default `authoring-collab`. */
        container?: string;
        /** Notice before the first eviction. Default 300 (the release strategy's 5 minutes). */
        noticeSeconds?: number;
        /** The Pods metric (custom.metrics.k8s.io) counting sessions. Default `active_ws_connections`. */
        sessionsMetric?: string;
        /** A replacement pod must be Ready within this. Default 600. */
        replacementTimeoutSeconds?: number;
        /** Sessions must come back within this after the last eviction. Default 300. */
        reconnectTimeoutSeconds?: number;
        /** Share of the sessions before the notice that counts as reconnected. Default 0.9. */
        reconnectRatio?: number;
        /** How often waits are checked and the session count recorded. Default 5. */
        pollSeconds?: number;
        /** Estimate of a replacement's start-up for the preview. Default 60. */
        replacementSeconds?: number;
      };
      /** Promote, promote fully, abort and retry of Argo rollouts (docs/rollouts.md). */
      rollouts?: {
        /** Approvals a full promote needs from people other than its requester. Default 1; 0 for none. */
        promoteFullApprovals?: number;
        /** How long a full promote waits for its approvals. Default 3600. */
        approvalWindowSeconds?: number;
        /** How often a waiting region is checked. Default 5. */
        pollSeconds?: number;
        /** A region must reach an action's goal healthy within this. Default 900. */
        stepTimeoutSeconds?: number;
        /** Restarts of the canary (or preview) pods at which a region is degraded. Default 3. */
        canaryRestartLimit?: number;
        /** Retries of a patch refused with 409 while the step is unchanged. Default 5. */
        conflictRetries?: number;
      };
    };
    /**
     * content-service's per-tenant signing keys (docs/key-rotation.md): the inventory and
     * the key-rotation operation, over the NATS connection (`serviceOps.nats`).
     */
    keys?: {
      /** The container entity that signs the bundles. Default `content-bundler`. */
      container?: string;
      /** Regions whose JWKS must have a new key before it is activated. Default us, eu, me, ap. */
      regions?: string[];
      /** The annual rotation, in days. Default 365. */
      rotationDays?: number;
      /** A rotation counts as due soon this many days before it is due. Default 30. */
      dueSoonDays?: number;
      /** How long the inventory read from content-service is reused. Default 10. */
      cacheSeconds?: number;
      /** How long a request to content-service may take, in milliseconds. Default 5000. */
      requestTimeoutMs?: number;
      rotation?: {
        /** Approvals a rotation needs from people other than its requester. Default 1. */
        approvals?: number;
        /** How long a rotation waits for its approvals. Default 1800. */
        approvalWindowSeconds?: number;
        /** Every region's JWKS must show the new key within this, or the tenant stops before activation. Default 600. */
        replicationTimeoutSeconds?: number;
        /** How often the regions' JWKS are read while waiting. Default 2. */
        pollSeconds?: number;
        /** How long a drill keeps the replaced key verify-only. Default 1209600 (14 days). */
        graceSeconds?: number;
        /** Tenants a bulk rotation rotates at once, by default. Default 5. */
        concurrency?: number;
        /** The most a request may ask for. Default 20. */
        maxConcurrency?: number;
        /** Tenants one request may rotate. Default 500. */
        maxTenants?: number;
      };
    };
    /** The NATS server(s) whose JetStream backlogs and publish sagas are shown. */
    nats?: {
      /** `nats://host:4222`, or several servers of one cluster. */
      servers: string | string[];
      /**
       * Token authentication; set either this or `credsFile`.
       * @visibility secret
       */
      token?: string;
      /** A `.creds` file (user JWT and NKey seed). */
      credsFile?: string;
      /** TLS: CA to trust, and a client certificate for mutual TLS. */
      tls?: { caFile?: string; certFile?: string; keyFile?: string };
      /** The connection's name in the server's `/connz`. Default `backstage-service-ops`. */
      name?: string;
    };
    /** JetStream streams and consumers per service, sampled into the database. */
    backlog?: {
      /** How often the figures are sampled. Default 10. */
      intervalSeconds?: number;
      /** How long samples and poison advisories are kept. Default 7. */
      retentionDays?: number;
      /** Keyed by the service's entity name, e.g. `content-service`. */
      services?: {
        [service: string]: {
          streams: Array<{
            /** The stream's name; with `{region}` when `regions` lists one stream per region. */
            stream: string;
            /** The region a single stream serves. */
            region?: string;
            /** One stream per region: `{region}` in `stream` is replaced by each. */
            regions?: string[];
            consumers?: Array<{
              /** The durable consumer's name. */
              name: string;
              /** The container draining it: its KEDA trigger in the declared model is the threshold. */
              container?: string;
              /** The trigger's metric key, when the container has several (e.g. `queue-depth`). */
              metric?: string;
              /** A threshold of its own instead of the declared model's. */
              threshold?: {
                value: number;
                per: 'pod' | 'total';
                source?: string;
              };
              /** Work items one message stands for (the sandbox weights its messages). Default 1. */
              itemsPerMessage?: number;
            }>;
          }>;
        };
      };
    };
    /** The publish-saga projection (docs/publish-saga.md). */
    sagas?: {
      /** Base name of its durable consumers. Default `service-ops-saga-projector`. */
      consumerName?: string;
      /** Seconds before an unacked event is delivered again. Default 30. */
      ackWaitSeconds?: number;
      /** A running saga whose next step takes longer than this (seconds) is stuck. */
      stuckAfterSeconds?: {
        /** Draft published -> PlayPackage built (or its build failed). Default 900. */
        built?: number;
        /** PlayPackage built -> course version published. Default 600. */
        courseVersionPublished?: number;
        /** Build failed -> saga compensated. Default 600. */
        compensated?: number;
      };
    };
  };
}
