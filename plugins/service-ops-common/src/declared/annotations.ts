/** Annotation on a service Component naming its deployment-topology document. */
export const ANNOTATION_TOPOLOGY_DOCUMENT = 'service-ops.io/topology-document';

/** Annotation on generated entities: `<document url>#L<line>` of the row they came from. */
export const ANNOTATION_TOPOLOGY_SOURCE = 'service-ops.io/topology-source';

/**
 * Annotation on the document's Location entity: the problems found in the document
 * (JSON array of `<url>:<line>: <message>`), reported as processing errors of that entity.
 */
export const ANNOTATION_TOPOLOGY_PROBLEMS = 'service-ops.io/topology-problems';

/** Location type of the entity that stands for a topology document in the catalog. */
export const TOPOLOGY_LOCATION_TYPE = 'service-ops-topology';
