import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { HISTORY_WINDOWS, HistoryWindow } from '../../api';

/** The scaling history's window: 1h, 6h or 24h. */
export function WindowSelector(props: {
  value: HistoryWindow;
  onChange: (window: HistoryWindow) => void;
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.value}
      onChange={(_event, window: HistoryWindow | null) =>
        window && props.onChange(window)
      }
      aria-label="history window"
    >
      {HISTORY_WINDOWS.map(window => (
        <ToggleButton key={window} value={window}>
          {window}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
