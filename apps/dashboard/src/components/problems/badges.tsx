'use client';

/** Severity 0..100 (effect x significance x impact, the detectors' ranking) with a word a reader can scan. */
export function SeverityBadge({ severity }: { severity: number }) {
  const level = severity >= 60 ? 'high' : severity >= 30 ? 'medium' : 'low';
  return (
    <span className={`badge severity-${level}`} title={`severity ${severity} of 100 (${level})`}>
      {Math.round(severity)} {level}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status}</span>;
}
