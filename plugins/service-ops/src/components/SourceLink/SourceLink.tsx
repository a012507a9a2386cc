import { Link } from '@backstage/core-components';
import Typography from '@mui/material/Typography';

/**
 * Where a declared fact comes from: `<document url>#L<line>`. Remote documents are
 * linked; a file in the portal's own repository is named with its line.
 */
export function SourceLink({ source }: { source: string }) {
  const [url, line] = source.split('#L');
  const name = url.replace(/^.*\/(docs\/)/, '$1');
  const label = `${name}${line ? `, line ${line}` : ''}`;
  if (/^https?:\/\//.test(url)) {
    return (
      <Typography variant="caption">
        Source: <Link to={source}>{label}</Link>
      </Typography>
    );
  }
  return <Typography variant="caption">Source: {label}</Typography>;
}
