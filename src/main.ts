// The composition root: the only place concrete adapters are wired together.
import { BosunError, errorMessage } from './api/errors.js';
import { setupGoalController } from './controllers/goal/setup.js';
import { alertTokens } from './controllers/remediation/alert-tokens.js';
import { setupRemediationController } from './controllers/remediation/setup.js';
import { setupSharedInformers } from './engine/informers.js';
import { parseFailpoints } from './executor/failpoints.js';
import { KubeClient } from './kube/client.js';
import { ExecutorCredentials } from './kube/executor-credentials.js';
import { KubeRest } from './kube/rest.js';
import { Manager } from './runtime/manager.js';
import { requestMetrics } from './runtime/observers.js';
import { EtcdStateStore } from './store/etcd-store.js';
import { etcdCredentials } from './store/etcd-tls.js';
import { ModelAgent } from './engine/model/agent.js';
import { jobBackend } from './tools/pipeline/job-backend.js';
import { runnerBackend } from './controllers/pipelinerun/runner-backend.js';
import { setupPipelineRunController } from './controllers/pipelinerun/setup.js';
import { MIN_KEY_BYTES, RequestVerifier } from './runner/sign.js';
import { secretValues } from './runtime/secret-values.js';
import { githubTrigger } from './webhooks/github-trigger.js';
import { RunnerQueue } from './webhooks/runner-queue.js';
import { budgetGauges, countUsage } from './engine/model/usage.js';
import { createLogger, SecretMasker, type Logger } from './telemetry/logger.js';
import { createMetrics } from './telemetry/metrics.js';
import { webhookTls } from './webhooks/certs/flags.js';
import { webhookCertSource } from './webhooks/certs/setup.js';
import { startAdmissionServer } from './webhooks/server.js';
import type { RunConfig } from './run-config.js';

export interface Operator {
  manager: Manager;
  log: Logger;
  stop(): Promise<void>;
}

export async function startOperator(config: RunConfig, opts: { log?: Logger } = {}): Promise<Operator> {
  // the one masker: every Secret value and token Bosun reads is added to it, and the log never shows it
  const masker = new SecretMasker();
  const log =
    opts.log ??
    createLogger({
      level: config.logLevel,
      masker,
      base: { app: 'bosun', instance: config.identity },
    });
  // settings that can only be judged together, judged before anything starts
  const tls = webhookTls(config);
  const etcdTls = etcdCredentials(config);
  const metrics = createMetrics();
  const rest = KubeRest.load(config.kubeconfig, {
    observe: requestMetrics(metrics),
    userAgent: `bosun/${config.identity}`,
  });
  const client = new KubeClient(rest, 'bosun');
  // every write of a plan goes through a short-lived token of the target namespace's executor
  const executors = new ExecutorCredentials({
    client: client.as('bosun-executor-credentials'),
    serviceAccount: config.executorServiceAccount,
    onToken: (token) => masker.add(token),
  });
  const store = new EtcdStateStore({
    endpoints: config.etcdEndpoints,
    credentials: etcdTls,
    observer: {
      op: (op, result, seconds) => {
        metrics.storeOps.inc({ op, result });
        if (seconds !== undefined) metrics.storeDuration.observe({ op }, seconds);
      },
      availability: (up) => {
        metrics.storeUp.set(up ? 1 : 0);
        if (up) log.info("Bosun's etcd is reachable again");
        else log.warn("Bosun's etcd is unreachable");
      },
      fenced: (op, mine, current) => {
        log.error({ op, epoch: mine, currentEpoch: current }, 'a newer leader holds the fencing epoch: write refused');
        manager.giveUp(`fencing epoch ${mine} superseded by ${current}`);
      },
    },
  });
  // the store takes its etcd as reachable until an operation finds otherwise, and says so when that changes
  metrics.storeUp.set(1);
  const manager = new Manager({
    log,
    metrics,
    healthAddr: config.healthAddr,
    shutdownTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    leaderElection: config.leaderElect
      ? {
          client: client.as('bosun-leader-election'),
          namespace: config.leaseNamespace ?? config.operatorNamespace,
          name: config.leaseName,
          identity: config.identity,
          leaseDurationMs: config.leaseDurationSeconds * 1000,
          renewDeadlineMs: config.renewDeadlineSeconds * 1000,
          retryPeriodMs: config.retryPeriodSeconds * 1000,
        }
      : undefined,
  });
  // every write to Bosun's etcd from now on is conditioned on this epoch: a deposed leader's write fails
  manager.onTakeover(async () => log.info({ epoch: await store.claimEpoch() }, 'claimed the fencing epoch'));
  // one RiskPolicy and one Approval cache for every controller that plans
  const shared = setupSharedInformers({ manager, client, log, metrics, namespace: config.namespace });
  // what every planning controller is given
  const planning = {
    manager,
    shared,
    client,
    store,
    log,
    secrets: masker,
    metrics,
    instance: config.identity,
    namespace: config.namespace,
    workers: config.workers,
    resyncMs: config.resyncSeconds * 1000,
    operatorNamespace: config.operatorNamespace,
    crashpoint: parseFailpoints(process.env.BOSUN_FAILPOINTS),
    executors,
    // the model planner: one for every planning kind, each kind briefing it for its own subjects
    model: new ModelAgent({
      client,
      store,
      secrets: masker,
      endpoints: config.modelEndpoints,
      operatorNamespace: config.operatorNamespace,
      onUsage: countUsage(metrics),
      onBudget: budgetGauges(metrics),
    }),
  };
  setupGoalController(planning);
  const intakeRequester = config.intakeRequester ?? `system:serviceaccount:${config.operatorNamespace}:bosun-healer`;
  const sa = /^system:serviceaccount:([^:]+):/.exec(intakeRequester)?.[1];
  const remediations = setupRemediationController({
    ...planning,
    intakeRequester: {
      username: intakeRequester,
      groups: sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa}`, 'system:authenticated'] : [],
    },
  });
  // stages run as hardened Jobs, or on runners that take their work from a queue in Bosun's etcd
  const runnerQueue = new RunnerQueue(store);
  const pipelineRuns = setupPipelineRunController({
    ...planning,
    backends: {
      cluster: jobBackend(),
      runner: runnerBackend({ queue: runnerQueue, store, now: () => new Date() }),
    },
    secrets: masker,
  });
  if (config.webhookAddr && tls) {
    const tokens =
      config.alertIntakeSecret &&
      alertTokens(client, { namespace: config.operatorNamespace, name: config.alertIntakeSecret }, masker, log);
    const runnerKeys =
      config.runnerSecret &&
      secretValues(
        client,
        { namespace: config.operatorNamespace, name: config.runnerSecret },
        { secrets: masker, log, minLength: MIN_KEY_BYTES, what: 'runner keys' },
      );
    const github =
      config.githubWebhookSecret &&
      githubTrigger({
        client,
        secret: { namespace: config.operatorNamespace, name: config.githubWebhookSecret },
        secrets: masker,
        pipelines: pipelineRuns.pipelines.informer,
        store,
        metrics,
        log,
      });
    const webhook = await startAdmissionServer({
      addr: config.webhookAddr,
      certs: webhookCertSource(tls, { manager, client, log, metrics, identity: config.identity }),
      operatorUser: config.operatorUser ?? `system:serviceaccount:${config.operatorNamespace}:bosun`,
      decisions: store,
      log: log.child({ component: 'admission' }),
      ...(tokens && { alertmanager: { tokens: () => tokens.current(), receive: remediations.intake.alerts } }),
      ...(runnerKeys && {
        runners: {
          queue: runnerQueue,
          verifier: new RequestVerifier({
            keyFor: (runner) => {
              const key = runnerKeys.current()?.[runner];
              return key === undefined ? undefined : Buffer.from(key, 'utf8');
            },
          }),
        },
      }),
      ...(github && { github: github.options }),
    });
    manager.onStop(() => webhook.close());
    if (tokens) manager.onStop(async () => tokens.stop());
    if (runnerKeys) manager.onStop(async () => runnerKeys.stop());
    if (github) manager.onStop(async () => github.stop());
  } else if (config.alertIntakeSecret) {
    throw new BosunError('BOSUN_ERR_CONFIG', '--alert-intake-secret needs --webhook-addr: Alertmanager posts there');
  } else if (config.runnerSecret) {
    throw new BosunError('BOSUN_ERR_CONFIG', '--runner-secret needs --webhook-addr: runners call the operator there');
  } else if (config.githubWebhookSecret) {
    throw new BosunError('BOSUN_ERR_CONFIG', '--github-webhook-secret needs --webhook-addr: GitHub posts there');
  }
  manager.onStop(() => store.close());
  manager.onStop(async () => executors.close());
  manager.onStop(async () => rest.close());
  await manager.start();
  log.info({ namespace: config.namespace ?? '(all)', leaderElect: config.leaderElect }, 'bosun operator started');
  return {
    manager,
    log,
    stop: async () => {
      try {
        await manager.stop();
      } catch (err) {
        log.error({ err: errorMessage(err) }, 'shutdown failed');
      }
    },
  };
}
