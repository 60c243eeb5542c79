// Images for pipeline stages run as Jobs. They are not real images and no registry serves them: Bosun's KWOK
// stages (hack/control-plane/kwok-stages/job-*.yaml) match a pod whose first container names one, start it,
// and end it the way its name says, with the termination message below, as a kubelet would report a container
// that wrote it to /dev/termination-log. No container runs.

/** Succeeds (exit code 0, Completed) with STAGE_PASS_RESULT as its termination message (job-stage-finish.yaml) */
export const STAGE_PASS_IMAGE = 'registry.bosun.test/stage-pass:1';
export const STAGE_PASS_RESULT = { summary: '3 tests passed' };

/** Fails (exit code 2, Error) with STAGE_FAIL_RESULT as its termination message (job-stage-finish.yaml) */
export const STAGE_FAIL_IMAGE = 'registry.bosun.test/stage-fail:1';
export const STAGE_FAIL_RESULT = {
  summary: '2 of 5 tests failed',
  findings: { testsFailed: 2, failedTests: ['cart keeps its items after a reload', 'checkout applies the discount'] },
};

/** Succeeds (exit code 0) with a termination message that is not JSON: STAGE_BAD_RESULT_MESSAGE */
export const STAGE_BAD_RESULT_IMAGE = 'registry.bosun.test/stage-bad-result:1';
export const STAGE_BAD_RESULT_MESSAGE = '3 tests passed';

/** Runs until its Job's deadline or deletion stops it (job-stage-run-forever.yaml) */
export const STAGE_RUN_FOREVER_IMAGE = 'registry.bosun.test/stage-run-forever:1';
