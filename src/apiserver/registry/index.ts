// The strategy of each kind kjob serves.
import type { Kind } from '../../api/types.js';
import type { Strategy } from './strategy.js';
import { JobStrategy } from './job.js';
import { CronJobStrategy } from './cronjob.js';
import { DeploymentStrategy, ReplicaSetStrategy } from './apps.js';
import { PodStrategy } from './pod.js';
import { ServiceStrategy } from './service.js';
import { NamespaceStrategy } from './namespace.js';
import { EndpointsStrategy, EndpointSliceStrategy } from './endpoints.js';
import { ConfigMapStrategy, EventStrategy, NodeStrategy, SecretStrategy, ServiceAccountStrategy } from './simple.js';

const STRATEGIES: Record<Kind, Strategy> = {
  Job: new JobStrategy(),
  CronJob: new CronJobStrategy(),
  Deployment: new DeploymentStrategy(),
  ReplicaSet: new ReplicaSetStrategy(),
  Pod: new PodStrategy(),
  Service: new ServiceStrategy(),
  Endpoints: new EndpointsStrategy(),
  EndpointSlice: new EndpointSliceStrategy(),
  Namespace: new NamespaceStrategy(),
  ConfigMap: new ConfigMapStrategy(),
  Secret: new SecretStrategy(),
  ServiceAccount: new ServiceAccountStrategy(),
  Event: new EventStrategy(),
  Node: new NodeStrategy(),
};

export function strategyFor(kind: Kind): Strategy {
  return STRATEGIES[kind];
}

export type { Strategy } from './strategy.js';
