// What the Goal controller observes before planning: the target as it is now.
export interface Container {
  name: string;
  image: string;
}

export interface Workload {
  kind: string;
  name: string;
  replicas: number;
  /** deployment.kubernetes.io/revision */
  revision?: number;
  containers: Container[];
  available: number;
}

export interface PodState {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** waiting/terminated reason of the first unready container */
  reason?: string;
  container?: string;
}

export interface GoalActual {
  /** undefined: no target in the intent; null: the target does not exist */
  target?: Workload | null;
  pods?: PodState[];
}
