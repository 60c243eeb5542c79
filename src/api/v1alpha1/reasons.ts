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
  /** a Remediation's escalation ticket: opened (or closed), or why not */
  Ticketed: 'Ticketed',
  /** an Approval a newer plan replaced: settled, neither approved nor failed */
  Superseded: 'Superseded',
} as const;

/** The plan engine's reasons (src/engine): every planning kind's status and Events use them. */
export const PlanReason = {
  UnsupportedTarget: 'UnsupportedTarget',
  InvalidObject: 'InvalidObject',
  StateStoreUnavailable: 'StateStoreUnavailable',
  NoPlanner: 'NoPlanner',
  TargetNotFound: 'TargetNotFound',
  InvalidPlan: 'InvalidPlan',
  EmptyPlan: 'EmptyPlan',
  Planned: 'Planned',
  NothingToDo: 'NothingToDo',
  ApprovalRequired: 'ApprovalRequired',
  /** Ready and Reconciling while a plan waits for its Approval (kstatus: InProgress; Argo CD: Suspended) */
  AwaitingApproval: 'AwaitingApproval',
  /** the first status of a new object: Bosun has it, and planning is under way */
  Accepted: 'Accepted',
  Superseded: 'Superseded',
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
  BudgetExceeded: 'BudgetExceeded',
  NoModelProvider: 'NoModelProvider',
  ProviderUnavailable: 'ProviderUnavailable',
  ModelEndpointNotAllowed: 'ModelEndpointNotAllowed',
  NoRequester: 'NoRequester',
  RequesterForbidden: 'RequesterForbidden',
  NoExecutor: 'NoExecutor',
  ExecutorForbidden: 'ExecutorForbidden',
  TargetOutsideNamespace: 'TargetOutsideNamespace',
  DryRunRejected: 'DryRunRejected',
  RequestRejected: 'RequestRejected',
} as const;
export type PlanReason = (typeof PlanReason)[keyof typeof PlanReason];

export const GoalReason = {
  ...PlanReason,
  InvalidManifest: 'InvalidManifest',
  InvalidImage: 'InvalidImage',
  CrossNamespaceTarget: 'CrossNamespaceTarget',
  DuplicateTool: 'DuplicateTool',
  NoPreviousRevision: 'NoPreviousRevision',
} as const;
export type GoalReason = (typeof GoalReason)[keyof typeof GoalReason];

export const RemediationReason = {
  ...PlanReason,
  Diagnosed: 'Diagnosed',
  Verifying: 'Verifying',
  Healed: 'Healed',
  VerificationFailed: 'VerificationFailed',
  Escalated: 'Escalated',
  NoPlaybook: 'NoPlaybook',
  Flapping: 'Flapping',
  HealLimitReached: 'HealLimitReached',
  SelfHeal: 'SelfHeal',
  Resolved: 'Resolved',
  TicketOpened: 'TicketOpened',
  TicketClosed: 'TicketClosed',
  TicketUnavailable: 'TicketUnavailable',
  TicketSecretUnreadable: 'TicketSecretUnreadable',
  TicketConfigInvalid: 'TicketConfigInvalid',
  TicketAuthFailed: 'TicketAuthFailed',
  TicketTargetNotFound: 'TicketTargetNotFound',
  TicketRejected: 'TicketRejected',
  TicketNoTransition: 'TicketNoTransition',
  TicketFailed: 'TicketFailed',
} as const;
export type RemediationReason = (typeof RemediationReason)[keyof typeof RemediationReason];

export const PipelineReason = {
  ...PlanReason,
  PipelineNotFound: 'PipelineNotFound',
  StageCycle: 'StageCycle',
  PipelineHalted: 'PipelineHalted',
  ResumeFromInvalid: 'ResumeFromInvalid',
  Queued: 'Queued',
  StageStarted: 'StageStarted',
  StageSucceeded: 'StageSucceeded',
  StageFailed: 'StageFailed',
  StageRetrying: 'StageRetrying',
  StageSkipped: 'StageSkipped',
  StageCancelled: 'StageCancelled',
  StageReused: 'StageReused',
  /** a security stage found something at or above the Pipeline's securityThreshold (its message starts with it) */
  SecurityThreshold: 'SecurityThreshold',
  RunSucceeded: 'RunSucceeded',
  RunFailed: 'RunFailed',
  RunCancelled: 'RunCancelled',
  Halted: 'Halted',
  Resumed: 'Resumed',
} as const;
export type PipelineReason = (typeof PipelineReason)[keyof typeof PipelineReason];
