// The one input table: every action input and CLI flag, once. The zod schema and `Config`
// (config.ts), the CLI's flags and help (cli-args.ts), and the action.yml / README consistency
// test all derive from it, so adding an input is adding a row here (and to action.yml).
import {
  artifactName,
  batchData,
  boolean,
  decimal,
  headerList,
  httpUrl,
  integer,
  lowerWord,
  oneOf,
  type Parse,
  prometheusFile,
  regex,
  sampleRecords,
  secondsToMs,
  text,
} from './parsers.js';
import { compareTo } from './compare-to.js';

/** One input: how it is read, and what a person is told about it. */
export interface InputRow {
  /** The `Config` field it fills. */
  readonly key: string;
  /** action.yml's default, applied when the input is empty. */
  readonly default?: string;
  /**
   * A default only the runner can expand (`${{ github.token }}`): action.yml declares it, and
   * outside the runner it arrives unexpanded and means "not set".
   */
  readonly runnerDefault?: string;
  /** The field's value when the input is empty and has no default (else undefined). */
  readonly unset?: () => unknown;
  /** One line, for `--help`. */
  readonly description: string;
  readonly parse: Parse<unknown>;
  /** Only meaningful inside GitHub Actions (comments, artifacts); the CLI offers no flag. */
  readonly actionOnly?: boolean;
}

// Rows are in action.yml's order, which is also the order of `--help`. `provider` has no
// default here on purpose: the provider registry owns the default and the list of names.
export const INPUTS = {
  provider: {
    key: 'provider',
    description: 'billing backend',
    parse: lowerWord,
  },
  'api-token': {
    key: 'apiToken',
    description: 'admin API token or key of the billing backend',
    parse: text,
    unset: () => '',
  },
  'api-url': {
    key: 'apiUrl',
    description: "base URL of the billing API [default: the provider's public URL]",
    parse: httpUrl,
  },
  'workspace-uuid': {
    key: 'workspaceUuid',
    description: 'Cargo workspace, sent as selected-workspace-uuid',
    parse: text,
  },
  'workflow-uuid': {
    key: 'workflowUuid',
    description: 'Cargo workflow the batch will run (required for Cargo)',
    parse: text,
  },
  'record-count': {
    key: 'recordCount',
    description: 'records in the batch (required unless records-file or batch-data is given)',
    parse: integer(1),
  },
  'records-file': {
    key: 'recordsFile',
    description: 'JSON array, NDJSON or CSV of the batch records; counted, and sampled',
    parse: text,
  },
  'estimate-from': {
    key: 'estimateFrom',
    default: 'auto',
    description: 'where the cost per record comes from: history, sample, metrics or auto',
    parse: oneOf(['auto', 'history', 'sample', 'metrics']),
  },
  'history-window-days': {
    key: 'historyWindowDays',
    default: '30',
    description: 'days back history and metrics look',
    parse: integer(1, 3650),
  },
  'min-history-runs': {
    key: 'minHistoryRuns',
    default: '10',
    description: 'fewest finished runs auto accepts as history',
    parse: integer(1),
  },
  'sample-records': {
    key: 'sampleRecords',
    description: 'inline JSON array, or a file, of the records a sample runs',
    parse: sampleRecords,
  },
  'sample-size': {
    key: 'sampleSize',
    default: '10',
    description: 'sample records to run',
    parse: integer(1, 1000),
  },
  'sample-selection': {
    key: 'sampleSelection',
    default: 'random',
    description:
      'which records-file records the sample runs: random (drawn from the whole file) or first',
    parse: oneOf(['random', 'first']),
  },
  'sample-seed': {
    key: 'sampleSeed',
    description:
      'seed of the random sample, to reproduce a run [default: a new one, shown in the report]',
    parse: integer(0, 4294967295),
  },
  'max-sample-credits': {
    key: 'maxSampleCredits',
    default: '50',
    description: 'cancel the sample once it has spent this much',
    parse: decimal({ min: 0, minExclusive: true }),
  },
  'sample-timeout-minutes': {
    key: 'sampleTimeoutMinutes',
    default: '15',
    description: 'cancel the sample after this many minutes',
    parse: decimal({ min: 0, minExclusive: true, max: 360 }),
  },
  budget: {
    key: 'budget',
    description: 'most credits the batch may spend',
    parse: decimal({ min: 0 }),
  },
  reserve: {
    key: 'reserve',
    default: '0',
    description: 'credits that must remain after the batch',
    parse: decimal({ min: 0 }),
  },
  confidence: {
    key: 'confidence',
    default: '0.9',
    description: 'one-sided confidence of the upper bound (0.5 ≤ c < 1)',
    parse: decimal({ min: 0.5, max: 1, maxExclusive: true }),
  },
  'warn-threshold': {
    key: 'warnThreshold',
    default: '0.8',
    description: 'share of the limit above which a pass becomes a warn',
    parse: decimal({ min: 0, max: 1, minExclusive: true }),
  },
  'on-exceed': {
    key: 'onExceed',
    default: 'fail',
    description: 'fail (exit 1) or warn (exit 0) when the batch would exceed the limit',
    parse: oneOf(['fail', 'warn']),
  },
  'on-api-error': {
    key: 'onApiError',
    default: 'fail',
    description: 'fail, warn or pass when a billing API cannot be read',
    parse: oneOf(['fail', 'warn', 'pass']),
  },
  comment: {
    key: 'comment',
    default: 'on-exceed',
    description: 'when to comment on a pull request: always, on-exceed or never',
    parse: oneOf(['always', 'on-exceed', 'never']),
    actionOnly: true,
  },
  'comment-mode': {
    key: 'commentMode',
    default: 'update',
    description: 'previous comment: update, new, hide-and-new or delete-and-new',
    parse: oneOf(['update', 'new', 'hide-and-new', 'delete-and-new']),
    actionOnly: true,
  },
  'comment-tag': {
    key: 'commentTag',
    description: 'keeps comments and metrics of matrix legs apart [default: the workflow UUID]',
    parse: text,
  },
  'github-token': {
    key: 'githubToken',
    runnerDefault: '${{ github.token }}',
    description: 'token for comments and artifacts',
    parse: text,
    actionOnly: true,
  },
  'upload-artifact': {
    key: 'uploadArtifact',
    default: 'true',
    description: 'upload the report files as an artifact (true/false)',
    parse: boolean,
    actionOnly: true,
  },
  'artifact-name': {
    key: 'artifactName',
    default: 'cost-gate-report',
    description: 'name of the report artifact',
    parse: artifactName,
    actionOnly: true,
  },
  'retention-days': {
    key: 'retentionDays',
    description: "days to keep the report artifact [default: the repository's setting]",
    parse: integer(0, 90),
    actionOnly: true,
  },
  'report-dir': {
    key: 'reportDir',
    runnerDefault: '${{ runner.temp }}/cost-gate',
    description: 'directory the report files are written to',
    parse: text,
    actionOnly: true,
  },
  'prometheus-file': {
    key: 'prometheusFile',
    description: "write the metrics to this .prom file for node_exporter's textfile collector",
    parse: prometheusFile,
  },
  'webhook-url': {
    key: 'webhookUrl',
    description: 'POST the JSON report here',
    parse: httpUrl,
  },
  'webhook-headers': {
    key: 'webhookHeaders',
    description: 'extra webhook headers, "K1: V1, K2: V2"',
    parse: headerList,
    unset: (): Record<string, string> => ({}),
  },
  'pushgateway-url': {
    key: 'pushgatewayUrl',
    description: 'push the metrics to this Prometheus Pushgateway (for hosted runners)',
    parse: httpUrl,
  },
  'pushgateway-headers': {
    key: 'pushgatewayHeaders',
    description: 'extra Pushgateway headers, "K1: V1, K2: V2"',
    parse: headerList,
    unset: (): Record<string, string> => ({}),
  },
  'batch-data': {
    key: 'batchData',
    description: 'JSON data of the Cargo batch to launch (segment, filter, recordIds, records)',
    parse: batchData,
  },
  'run-batch': {
    key: 'runBatch',
    default: 'false',
    description: 'launch the batch on a pass, watch it, cancel it at hard-cap (true/false)',
    parse: boolean,
  },
  'hard-cap': {
    key: 'hardCap',
    description: 'cancel the launched batch at this spend [default: the limit]',
    parse: decimal({ min: 0 }),
  },
  detach: {
    key: 'detach',
    default: 'false',
    description: 'with run-batch: launch and leave the batch running (true/false)',
    parse: boolean,
  },
  'batch-timeout-minutes': {
    key: 'batchTimeoutMinutes',
    // Six hours: the longest a job on a GitHub-hosted runner may run.
    default: '360',
    description: 'with run-batch: cancel the batch if it is still running after this many minutes',
    parse: decimal({ min: 0, minExclusive: true }),
  },
  'sample-command': {
    key: 'sampleCommand',
    description: 'Venice: shell command that runs the sample (gets SAMPLE_SIZE, RECORDS_FILE)',
    parse: text,
  },
  'ledger-settle-seconds': {
    key: 'ledgerSettleSeconds',
    default: '20',
    description: 'Venice: seconds to wait for the ledger after the sample command',
    parse: decimal({ min: 0, max: 600 }),
  },
  'sku-filter': {
    key: 'skuFilter',
    description: 'Venice: regular expression of the SKUs that count',
    parse: regex,
  },
  'api-timeout-seconds': {
    key: 'apiTimeoutMs',
    default: '30',
    description: 'seconds one billing API request may take',
    parse: secondsToMs(decimal({ min: 0, minExclusive: true, max: 600 })),
  },
  'requests-per-record': {
    key: 'requestsPerRecord',
    default: '1',
    description: 'Venice: API requests one record of the batch makes',
    parse: decimal({ min: 0, minExclusive: true }),
  },
  'compare-to': {
    key: 'compareTo',
    description: 'report to diff against: base, none or a branch [default: base on pull requests]',
    parse: compareTo,
    actionOnly: true,
  },
  'fail-on-increase': {
    key: 'failOnIncrease',
    description:
      'fail when the projected cost rises by more than this percentage against compare-to',
    parse: decimal({ min: 0 }),
    actionOnly: true,
  },
  mode: {
    key: 'mode',
    default: 'gate',
    description:
      'gate, or comment: post the PR comment from the artifact of the triggering workflow_run',
    parse: oneOf(['gate', 'comment']),
    actionOnly: true,
  },
} as const satisfies Record<string, InputRow>;

/** An input's kebab-case name, as in action.yml and as a `--flag`. */
export type InputName = keyof typeof INPUTS;

/** The table with every row seen as a plain `InputRow`, for code that walks all of them. */
export const INPUT_ROWS: Readonly<Record<InputName, InputRow>> = INPUTS;

/** Every input, in action.yml order. */
export const INPUT_NAMES = Object.keys(INPUTS) as InputName[];

/** The inputs the CLI offers as flags. */
export const CLI_INPUT_NAMES: readonly InputName[] = INPUT_NAMES.filter(
  (name) => INPUT_ROWS[name].actionOnly !== true,
);

/** The defaults the gate applies itself (a runner expression's meaning is the runner's). */
export const INPUT_DEFAULTS: Readonly<Partial<Record<InputName, string>>> = Object.fromEntries(
  INPUT_NAMES.flatMap((name) => {
    const fallback = INPUT_ROWS[name].default;
    return fallback === undefined ? [] : [[name, fallback]];
  }),
);

/** The value one row gives: never undefined when it has a default or an `unset` value. */
export type RowValue<R> = R extends { parse: Parse<infer T> }
  ? R extends { default: string }
    ? T
    : R extends { unset: () => infer U }
      ? T | U
      : T | undefined
  : never;

/** Every row's value under its `Config` key. */
export type TableValues = {
  -readonly [N in InputName as (typeof INPUTS)[N]['key']]: RowValue<(typeof INPUTS)[N]>;
};
