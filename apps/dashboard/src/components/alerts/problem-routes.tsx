'use client';
import type { AlertDestinationView, ProblemRouteView } from '@driftwatch/api-schema';
import { RuleSection } from './rule-section';

const KINDS = [
  ['latency', 'Latency'],
  ['error_rate', 'Error rate'],
  ['cost', 'Cost'],
  ['tokens', 'Tokens'],
  ['feedback', 'Negative feedback'],
  ['score', 'Scores'],
  ['topic_shift', 'Topic shift'],
  ['new_topic', 'New topic'],
  ['out_of_scope', 'Out of scope'],
  ['embedding_drift', 'Embedding drift'],
] as const;

const DIMENSIONS = ['model', 'release', 'environment', 'prompt', 'service', 'topic'] as const;

/** Which problems the detectors find go where: one message when one opens, reminders, one when it resolves. */
export function ProblemRoutes(props: {
  projectId: string;
  canEdit: boolean;
  destinations: AlertDestinationView[];
}) {
  return (
    <RuleSection<ProblemRouteView>
      base={`/api/projects/${encodeURIComponent(props.projectId)}/alert-routes`}
      title="Problem routes"
      intro={
        <p className="muted small">
          Problems the detectors open (latency, errors, cost, feedback, topic drift) go to the destinations of
          every route they match.
        </p>
      }
      canEdit={props.canEdit}
      destinations={props.destinations}
      formLabel="Add a problem route"
      submitLabel="Add route"
      fields={<ProblemRouteFields />}
      bodyOf={(form) => ({
        name: form.get('name'),
        kinds: form.getAll('kinds'),
        minSeverity: Number(form.get('minSeverity') || 0),
        dimension: String(form.get('dimension') ?? ''),
        value: String(form.get('value') ?? ''),
        destinationIds: form.getAll('destinationIds'),
        remindEveryMinutes: Number(form.get('remindEveryMinutes') || 0),
        notifyResolved: form.get('notifyResolved') === 'on',
      })}
      tableLabel="Problem routes"
      emptyTitle="No problem routes"
      watchHeader="Problems"
      watch={describeRoute}
      removeLabel={(r) => `Remove the route ${r.name}`}
    />
  );
}

function ProblemRouteFields() {
  return (
    <>
      <label className="field">
        <span>Name</span>
        <input name="name" required maxLength={200} placeholder="regressions to on-call" />
      </label>
      <fieldset className="field checks wide">
        <legend>Kinds (none ticked: every kind)</legend>
        <div className="checks-inline">
          {KINDS.map(([value, label]) => (
            <label key={value} className="check">
              <input type="checkbox" name="kinds" value={value} /> {label}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span>Severity at least</span>
        <input name="minSeverity" type="number" min={0} max={100} defaultValue={0} />
      </label>
      <label className="field">
        <span>Only the slice</span>
        <select name="dimension" defaultValue="">
          <option value="">any</option>
          {DIMENSIONS.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Value</span>
        <input name="value" maxLength={500} placeholder="gpt-4o-mini" />
      </label>
      <label className="field">
        <span>Remind every (min, 0: never)</span>
        <input name="remindEveryMinutes" type="number" min={0} max={10080} defaultValue={0} />
      </label>
      <label className="check">
        <input type="checkbox" name="notifyResolved" defaultChecked /> Tell when resolved
      </label>
    </>
  );
}

function describeRoute(r: ProblemRouteView): string {
  const parts = [r.kinds.length > 0 ? r.kinds.join(', ') : 'every kind'];
  if (r.minSeverity > 0) parts.push(`severity ≥ ${r.minSeverity}`);
  if (r.dimension) parts.push(`${r.dimension}${r.value ? ` = ${r.value}` : ''}`);
  if (r.remindEveryMinutes > 0) parts.push(`reminders every ${r.remindEveryMinutes} min`);
  if (!r.notifyResolved) parts.push('no resolved message');
  return parts.join(' · ');
}
