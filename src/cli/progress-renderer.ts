import type { Progress } from '../util/progress.js';

function formatDuration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/**
 * Renders progress on stderr (stdout stays clean for JSON): a redrawn bar when stderr is a
 * terminal, one plain line per step and per 25 % otherwise (CI logs).
 */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY) && process.env['CI'] !== 'true';
  let label = '';
  let total = 0;
  let started = 0;
  let lastQuarter = -1;
  let lastDraw = 0;
  const width = 28;
  const draw = (done: number) => {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const pct = total > 0 ? `${Math.floor(frac * 100)}%`.padStart(4) : '';
    stream.write(
      `\r${label.padEnd(24)} ${bar} ${pct} ${formatDuration(Date.now() - started)}\x1b[K`,
    );
  };
  return {
    start(l, t) {
      label = l;
      total = t;
      started = Date.now();
      lastQuarter = -1;
      if (tty) draw(0);
    },
    update(done) {
      if (tty) {
        const now = Date.now();
        if (now - lastDraw > 80) {
          lastDraw = now;
          draw(done);
        }
      } else if (total > 0) {
        const q = Math.floor((done / total) * 4);
        if (q > lastQuarter && q < 4) {
          lastQuarter = q;
          if (q > 0) stream.write(`${label}: ${q * 25}%\n`);
        }
      }
    },
    done(summary) {
      const took = formatDuration(Date.now() - started);
      if (tty) {
        draw(total);
        stream.write(
          `\r${label.padEnd(24)} done in ${took}${summary ? ` — ${summary}` : ''}\x1b[K\n`,
        );
      } else {
        stream.write(`${label}: done in ${took}${summary ? ` — ${summary}` : ''}\n`);
      }
    },
    info(message) {
      stream.write(`${message}\n`);
    },
  };
}
