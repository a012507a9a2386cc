import { useMemo } from 'react';
import {
  DependencyGraph,
  DependencyGraphTypes,
  Link,
} from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import type {
  EntitySnapshot,
  HealthLevel,
} from '@internal/backstage-plugin-service-ops-common';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { HEALTH_LABELS, healthColor } from '../../lib/healthColors';
import {
  buildTopologyGraph,
  TopologyEdge,
  TopologyNode,
} from './buildTopologyGraph';

const ROLE_LABELS: Record<TopologyNode['role'], string> = {
  service: 'service',
  container: 'container',
  store: 'store',
  neighbour: 'neighbour',
  api: 'API',
};

/** A rough text width, so that the node does not need measuring before layout. */
const textWidth = (text: string, size: number) => text.length * size * 0.6;

function Node({ node }: DependencyGraphTypes.RenderNodeProps<TopologyNode>) {
  const theme = useTheme();
  const entityLink = useEntityRefLink();
  const fill = node.health
    ? healthColor(theme, node.health)
    : theme.palette.background.paper;
  const text = node.health
    ? theme.palette.getContrastText(fill)
    : theme.palette.text.primary;
  const stroke = node.health ? fill : theme.palette.divider;
  const width =
    Math.max(
      textWidth(node.label, 13),
      textWidth(node.detail ?? '', 11),
      textWidth(ROLE_LABELS[node.role], 10),
    ) + 24;
  const height = node.detail ? 54 : 40;
  const description = [
    `${ROLE_LABELS[node.role]} ${node.label}`,
    node.detail,
    node.health && HEALTH_LABELS[node.health],
  ]
    .filter(Boolean)
    .join(', ');
  const body = (
    <g>
      <title>{description}</title>
      <rect
        width={width}
        height={height}
        rx={node.role === 'store' ? 2 : 8}
        fill={fill}
        stroke={stroke}
        strokeWidth={node.role === 'service' ? 3 : 1.5}
        strokeDasharray={node.role === 'api' ? '4 2' : undefined}
      />
      <text x={width / 2} y={13} textAnchor="middle" fill={text} fontSize={10}>
        {ROLE_LABELS[node.role]}
      </text>
      <text
        x={width / 2}
        y={29}
        textAnchor="middle"
        fill={text}
        fontSize={13}
        fontWeight={600}
      >
        {node.label}
      </text>
      {node.detail && (
        <text
          x={width / 2}
          y={45}
          textAnchor="middle"
          fill={text}
          fontSize={11}
        >
          {node.detail}
        </text>
      )}
    </g>
  );
  if (!node.entityRef) return body;
  return (
    <Link to={entityLink(node.entityRef)} aria-label={description}>
      {body}
    </Link>
  );
}

function Legend() {
  const theme = useTheme();
  const levels: HealthLevel[] = ['healthy', 'degraded', 'down', 'unknown'];
  return (
    <Stack direction="row" spacing={2} flexWrap="wrap" useFlexGap>
      {levels.map(level => (
        <Stack key={level} direction="row" spacing={0.5} alignItems="center">
          <Box
            sx={{
              width: 12,
              height: 12,
              borderRadius: '50%',
              bgcolor: healthColor(theme, level),
            }}
          />
          <Typography variant="caption">{HEALTH_LABELS[level]}</Typography>
        </Stack>
      ))}
      <Typography variant="caption" color="text.secondary">
        Stores, neighbours and APIs have no live health. Click a node to open
        its page.
      </Typography>
    </Stack>
  );
}

/**
 * The entity's topology: containers coloured by live health, the stores and
 * neighbours they depend on, and the APIs (NATS subjects) the service provides and
 * consumes.
 */
export function TopologyGraph(props: {
  entity: Entity;
  related: Map<string, Entity>;
  snapshot: EntitySnapshot;
}) {
  const { entity, related, snapshot } = props;
  const { nodes, edges } = useMemo(
    () => buildTopologyGraph({ entity, related, snapshot }),
    [entity, related, snapshot],
  );
  return (
    <Stack spacing={1}>
      <Legend />
      <Box aria-label="topology graph" role="figure" sx={{ overflowX: 'auto' }}>
        <DependencyGraph<TopologyNode, TopologyEdge>
          nodes={nodes}
          edges={edges}
          renderNode={Node}
          direction={DependencyGraphTypes.Direction.LEFT_RIGHT}
          rankMargin={80}
          nodeMargin={16}
          paddingX={16}
          paddingY={16}
          zoom="enable-on-click"
          showArrowHeads
        />
      </Box>
    </Stack>
  );
}
