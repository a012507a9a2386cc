export interface Config {
  serviceOps?: {
    liveState?: {
      /** How often pod metrics (metrics.k8s.io) are sampled per cluster. Default 15. */
      metricsIntervalSeconds?: number;
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
  };
}
