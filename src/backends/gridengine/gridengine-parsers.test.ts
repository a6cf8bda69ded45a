/** Grid Engine's outputs, as recorded from Son of Grid Engine 8.1.9, read by the parsers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseFoundGridEngineJob,
  parseQacct,
  parseQstatXml,
  parseQsub,
} from './gridengine-parsers.js';
import { meaningOfQacctFailure, meaningOfQstatState } from './gridengine-states.js';

test('qsub -terse: the job id', () => {
  assert.equal(parseQsub('42\n'), '42');
  assert.equal(parseQsub('42.1-10:1\n'), '42');
  assert.equal(parseQsub('Your job 42 ("x") has been submitted\n'), undefined);
});

const QSTAT_XML = `<?xml version='1.0'?>
<job_info  xmlns:xsd="http://arc.liv.ac.uk/repos/darcs/sge/source/dist/util/resources/schemas/qstat/qstat.xsd">
  <queue_info>
    <job_list state="running">
      <JB_job_number>3</JB_job_number>
      <JAT_prio>0.55500</JAT_prio>
      <JB_name>jp-a</JB_name>
      <JB_owner>root</JB_owner>
      <state>r</state>
      <JAT_start_time>2026-11-28T18:18:49</JAT_start_time>
      <queue_name>all.q@vm</queue_name>
      <slots>1</slots>
    </job_list>
  </queue_info>
  <job_info>
    <job_list state="pending">
      <JB_job_number>4</JB_job_number>
      <JB_name>jp-held</JB_name>
      <state>hqw</state>
      <JB_submission_time>2026-11-28T18:18:49</JB_submission_time>
      <queue_name></queue_name>
      <slots>1</slots>
    </job_list>
    <job_list state="pending">
      <JB_job_number>5</JB_job_number>
      <state>Eqw</state>
    </job_list>
  </job_info>
</job_info>
`;

test('qstat -xml: running jobs under their queue, pending ones apart, error states', () => {
  const jobs = parseQstatXml(QSTAT_XML);
  assert.deepEqual(
    jobs.map((j) => [j.jobId, j.nativeState, j.meaning]),
    [
      ['3', 'r', 'running'],
      ['4', 'hqw', 'queued'],
      ['5', 'Eqw', 'stuck'],
    ],
  );
  assert.equal(jobs[0]!.started, new Date('2026-11-28T18:18:49').toISOString());
  assert.deepEqual(
    parseQstatXml(
      "<?xml version='1.0'?><job_info><queue_info></queue_info><job_info></job_info></job_info>",
    ),
    [],
  );
});

const QACCT = `==============================================================
qname        all.q
hostname     vm
jobname      jp-test
jobnumber    1
start_time   Sat Nov 28 18:18:42 2026
end_time     Sat Nov 28 18:18:43 2026
failed       0
exit_status  3
==============================================================
qname        all.q
jobname      jp-killed
jobnumber    2
failed       100 : assumedly after job
exit_status  137
==============================================================
jobnumber    6
failed       37  : qmaster enforced h_rt, h_cpu, or h_vmem limit
exit_status  137
==============================================================
jobnumber    7
failed       26  : opening input/output file
exit_status  0
`;

test('qacct: exit status, kills, limits and failures to start', () => {
  const jobs = parseQacct(QACCT);
  assert.deepEqual(
    jobs.map((j) => [j.jobId, j.meaning, j.exitCode, j.signal]),
    [
      ['1', 'ended', 3, null],
      ['2', 'ended', 137, 9],
      ['6', 'limit', 137, 9],
      ['7', 'system-failure', 0, null],
    ],
  );
  assert.equal(jobs[3]!.reason, 'opening input/output file');
  assert.equal(jobs[0]!.ended, new Date('Sat Nov 28 18:18:43 2026').toISOString());
});

test('finding a job by name in qstat -j or qacct -j output', () => {
  assert.equal(
    parseFoundGridEngineJob('==========\njob_number:                 4\nexec_file: x\n'),
    '4',
  );
  assert.equal(parseFoundGridEngineJob(QACCT), '7');
  assert.equal(parseFoundGridEngineJob('Following jobs do not exist: \njp-x\n'), undefined);
});

test('state letters and failed codes', () => {
  assert.equal(meaningOfQstatState('qw'), 'queued');
  assert.equal(meaningOfQstatState('t'), 'starting');
  assert.equal(meaningOfQstatState('dr'), 'running');
  assert.equal(meaningOfQstatState('Rr'), 'running');
  assert.equal(meaningOfQstatState('s'), 'suspended');
  assert.equal(meaningOfQstatState('Ehqw'), 'stuck');
  assert.equal(meaningOfQacctFailure(0), 'ended');
  assert.equal(meaningOfQacctFailure(100), 'ended');
  assert.equal(meaningOfQacctFailure(37), 'limit');
  assert.equal(meaningOfQacctFailure(1), 'system-failure');
});
