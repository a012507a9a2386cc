import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { readDeclaredContainer } from '@internal/backstage-plugin-service-ops-common';
import { ConfiguredStream } from './types';

/** The streams an entity's backlog shows, and the service key they are configured under. */
export interface BacklogScope {
  service: string;
  streams: ConfiguredStream[];
}

/**
 * The configured streams of an entity: a service's own (`serviceOps.backlog.services.<name>`),
 * or for a container entity, its service's streams narrowed to the consumers its
 * workers drain. `undefined` when none are configured.
 */
export function backlogScope(
  entity: Entity,
  services: Record<string, ConfiguredStream[]>,
): BacklogScope | undefined {
  const name = entity.metadata.name;
  if (services[name]) return { service: name, streams: services[name] };
  const declared = readDeclaredContainer(entity);
  if (declared.kind !== 'container') return undefined;
  const { container } = declared.container;
  const service = parseEntityRef(declared.container.service).name;
  const streams = (services[service] ?? []).flatMap(stream => {
    const consumers = stream.consumers.filter(c => c.container === container);
    return consumers.length ? [{ ...stream, consumers }] : [];
  });
  return streams.length ? { service, streams } : undefined;
}
