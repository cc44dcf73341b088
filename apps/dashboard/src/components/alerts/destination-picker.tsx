'use client';
import type { AlertDestinationView } from '@driftwatch/api-schema';

/** Checkboxes named destinationIds, one per destination; read back with FormData.getAll. */
export function DestinationPicker({ destinations }: { destinations: AlertDestinationView[] }) {
  if (destinations.length === 0) return <p className="muted small">Add a destination first.</p>;
  return (
    <fieldset className="field checks">
      <legend>Send to</legend>
      {destinations.map((d) => (
        <label key={d.id} className="check">
          <input type="checkbox" name="destinationIds" value={d.id} /> {d.name}
        </label>
      ))}
    </fieldset>
  );
}

export function destinationNames(ids: readonly string[], destinations: AlertDestinationView[]): string {
  return ids.map((id) => destinations.find((d) => d.id === id)?.name ?? 'removed').join(', ');
}
