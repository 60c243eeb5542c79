// The notify layer: a pipeline run's report, and the places it is told (a
// Slack incoming webhook, GitHub commit statuses). It imports api, redact and
// telemetry only; the PipelineRun controller's report stage uses it.
export { buildReport, commitUrl, duration, keyFindings, lineOf } from './report.js';
export type { ReportInput, ReportStage, RunReport } from './report.js';
export { escapeMrkdwn, sendSlack, slackMessage, SLACK_SECTION_MAX } from './slack.js';
export type { SlackBlock, SlackMessage, SlackTarget } from './slack.js';
export { commitStatuses, DESCRIPTION_MAX, sendCommitStatuses } from './github-status.js';
export type { CommitState, CommitStatus, GitHubStatusTarget } from './github-status.js';
