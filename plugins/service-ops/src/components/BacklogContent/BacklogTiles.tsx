import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import type {
  ConsumerBacklog,
  StreamBacklog,
} from '@internal/backstage-plugin-service-ops-common';
import { LEVEL_LABELS, levelChipColor, levelColor } from './levelColor';

/** "content-builder-worker in us", or on the stream's name without a region. */
export function consumerLabel(
  stream: StreamBacklog,
  consumer: ConsumerBacklog,
): string {
  return `${consumer.name} in ${stream.region ?? stream.stream}`;
}

function thresholdText(consumer: ConsumerBacklog): string {
  const t = consumer.threshold;
  if (!t) return 'no threshold';
  return `threshold ${t.value}${t.per === 'pod' ? ' per pod' : ''}${
    t.text ? ` (${t.text})` : ''
  }`;
}

function BacklogTile(props: {
  stream: StreamBacklog;
  consumer: ConsumerBacklog;
}) {
  const { stream, consumer } = props;
  const theme = useTheme();
  const label = consumerLabel(stream, consumer);
  return (
    <Card
      role="group"
      aria-label={label}
      variant="outlined"
      sx={{
        minWidth: 220,
        flex: '1 1 220px',
        borderLeft: `6px solid ${levelColor(theme, consumer.level)}`,
      }}
    >
      <CardContent>
        <Typography variant="subtitle2">{label}</Typography>
        <Typography variant="h4" component="p">
          {consumer.items ?? '—'}
          <Typography component="span" variant="body2" color="text.secondary">
            {' '}
            items
          </Typography>
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {thresholdText(consumer)}
          {consumer.itemsPerMessage !== 1 &&
            `; 1 message = ${consumer.itemsPerMessage} items`}
        </Typography>
        <Box mt={1}>
          <Chip
            size="small"
            color={levelChipColor(consumer.level)}
            label={LEVEL_LABELS[consumer.level]}
          />
        </Box>
        {consumer.error && (
          <Typography variant="body2" color="error" mt={1}>
            {consumer.error}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

/** One tile per consumer: its backlog in items against its threshold. */
export function BacklogTiles(props: { streams: StreamBacklog[] }) {
  return (
    <Stack direction="row" flexWrap="wrap" gap={2}>
      {props.streams.flatMap(stream =>
        stream.consumers.map(consumer => (
          <BacklogTile
            key={`${stream.stream}/${consumer.name}`}
            stream={stream}
            consumer={consumer}
          />
        )),
      )}
    </Stack>
  );
}
