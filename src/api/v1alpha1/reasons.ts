// Condition types and reasons, CamelCase, as const: the vocabulary of status
// and Events. Messages (elsewhere) say what to do next.
export const ConditionType = {
  Ready: 'Ready',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
  Succeeded: 'Succeeded',
  Planned: 'Planned',
  Approved: 'Approved',
  Executing: 'Executing',
} as const;

export const GoalReason = {
  Accepted: 'Accepted',
  UnsupportedTarget: 'UnsupportedTarget',
  InvalidManifest: 'InvalidManifest',
  InvalidImage: 'InvalidImage',
  CrossNamespaceTarget: 'CrossNamespaceTarget',
  DuplicateTool: 'DuplicateTool',
  InvalidObject: 'InvalidObject',
  StateStoreUnavailable: 'StateStoreUnavailable',
  NoPlanner: 'NoPlanner',
  TargetNotFound: 'TargetNotFound',
  NoPreviousRevision: 'NoPreviousRevision',
  InvalidPlan: 'InvalidPlan',
  Planned: 'Planned',
  NothingToDo: 'NothingToDo',
  ApprovalRequired: 'ApprovalRequired',
  Denied: 'Denied',
  Executing: 'Executing',
  StepFailed: 'StepFailed',
  RolledBack: 'RolledBack',
  Succeeded: 'Succeeded',
  NotLeader: 'NotLeader',
  UnknownTool: 'UnknownTool',
  ToolNotAllowed: 'ToolNotAllowed',
  ToolDenied: 'ToolDenied',
  InvalidParams: 'InvalidParams',
  RiskPolicyNotFound: 'RiskPolicyNotFound',
  Approved: 'Approved',
  ApprovalDenied: 'ApprovalDenied',
  ApprovalExpired: 'ApprovalExpired',
} as const;
export type GoalReason = (typeof GoalReason)[keyof typeof GoalReason];
