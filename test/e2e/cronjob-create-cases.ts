// `create job|cronjob --dry-run=client` cases whose output is compared with kubectl's (goldens
// recorded by test/golden/cronjob/capture.ts). args are the same for kubectl and kjob.
export const CREATE_CASES: { golden: string; args: string[] }[] = [
  { golden: 'create-cronjob-yaml.txt', args: ['create', 'cronjob', 'x', '--image=busybox', '--schedule=*/1 * * * *', '--dry-run=client', '-o', 'yaml'] },
  {
    golden: 'create-cronjob-never-json.txt',
    args: ['create', 'cronjob', 'hello', '--image=busybox', '--schedule=0 3 * * *', '--restart=Never', '--dry-run=client', '-o', 'json', '--', 'sh', '-c', 'date; echo "hi <there>"'],
  },
  { golden: 'create-cronjob-ns-yaml.txt', args: ['-n', 'batch', 'create', 'cronjob', 'x', '--image=busybox', '--schedule=@hourly', '--dry-run=client', '-o', 'yaml', '--', 'echo', '1'] },
  { golden: 'create-job-yaml.txt', args: ['create', 'job', 'pi', '--image=perl', '--dry-run=client', '-o', 'yaml', '--', 'perl', '-e', '1'] },
  { golden: 'create-job-json.txt', args: ['create', 'job', 'pi', '--image=perl', '--dry-run=client', '-o', 'json', '--', 'perl', '-e', '1'] },
  { golden: 'create-job-name.txt', args: ['create', 'job', 'pi', '--image=perl', '--dry-run=client', '-o', 'name'] },
  { golden: 'create-job-dry.txt', args: ['create', 'job', 'pi', '--image=perl', '--dry-run=client'] },
  { golden: 'create-job-noimage.txt', args: ['create', 'job', 'pi'] },
  { golden: 'create-job-noname.txt', args: ['create', 'job', '--image=perl'] },
];
