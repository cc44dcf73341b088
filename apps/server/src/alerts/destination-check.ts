import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import type { AlertDestinationStore } from '@driftwatch/contracts';

/** 400 unless every id names a destination of the project (rules and routes may only point at those). */
export async function checkDestinations(
  destinations: AlertDestinationStore | null,
  projectId: string,
  ids: readonly string[],
): Promise<void> {
  if (!destinations) throw new ServiceUnavailableException('alerts need DRIFTWATCH_SECRET_KEY');
  const known = new Set((await destinations.list(projectId)).map((d) => d.destinationId));
  const unknown = ids.filter((d) => !known.has(d));
  if (unknown.length > 0)
    throw new BadRequestException(
      `invalid body: destinationIds: no destination ${unknown.join(', ')} in ${projectId}`,
    );
}
