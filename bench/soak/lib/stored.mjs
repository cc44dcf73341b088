// Reads back what the embedded store holds, straight from its chDB data directory, once the server has stopped
// (one process at a time may open it): the set of "traceId:spanId" pairs of one project.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function readStoredPairs(clickhouseDir, projectId = 'default') {
  const { Session } = require('chdb');
  const session = new Session(clickhouseDir);
  try {
    const tsv = session.queryBind(
      'SELECT trace_id, span_id FROM driftwatch.spans WHERE project_id = {project:String}',
      { project: projectId },
      'TabSeparated',
    );
    const pairs = new Set();
    for (const line of tsv.split('\n')) if (line) pairs.add(line.replace('\t', ':'));
    return pairs;
  } finally {
    session.close();
  }
}
