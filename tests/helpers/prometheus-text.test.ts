/** The strict reading of the Prometheus text format that the /metrics tests rely on: it takes the format, and refuses what is not. */
import { describe, expect, it } from 'vitest';
import { readExposition, sampleKey } from './prometheus-text.ts';

/** After the format's own documentation (exposition_formats.md, "Text format example"). */
const DOCUMENTED = `# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9

metric_without_timestamp_and_labels 12.47
something_weird{problem="division by zero"} +Inf -3982045

# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320
`;

describe('readExposition', () => {
  it('reads the documented example: types, values, escapes, timestamps', () => {
    // One space between the parts is what we read (prom-client writes one); the documented extra spaces are not.
    const { types, samples } = readExposition(DOCUMENTED.replace('}    3', '} 3'));
    expect(types.get('http_requests_total')).toBe('counter');
    expect(types.get('http_request_duration_seconds')).toBe('histogram');
    expect(samples.get(sampleKey('http_requests_total', { method: 'post', code: '400' }))).toBe(3);
    expect(samples.get('something_weird{problem="division by zero"}')).toBe(Infinity);
    expect(samples.get(sampleKey('http_request_duration_seconds_bucket', { le: '+Inf' }))).toBe(144320);
    expect(samples.get('metric_without_timestamp_and_labels')).toBe(12.47);
  });

  it.each([
    ['a value that is no number', 'a b\n', 'not a sample'],
    ['a name that starts with a digit', '1a 2\n', 'not a sample'],
    ['an unquoted label value', 'a{b=c} 1\n', 'not a sample'],
    ['an unclosed label set', 'a{b="c" 1\n', 'not a sample'],
    ['a bad escape in a label value', 'a{b="\\t"} 1\n', 'not a sample'],
    ['an unknown type', '# TYPE a foo\na 1\n', 'not a TYPE line'],
    ['a TYPE after its samples', 'a 1\n# TYPE a gauge\n', 'after its samples'],
    ['a second TYPE', '# TYPE a gauge\n# TYPE a gauge\n', 'a second TYPE'],
    ['a family split in two', 'a 1\nb 1\na{x="y"} 2\n', 'not together'],
    ['a sample twice', 'a{x="y"} 1\na{x="y"} 2\n', 'twice'],
    ['a label twice', 'a{x="y",x="z"} 1\n', 'a label twice'],
    ['no newline at the end', 'a 1', 'newline'],
    ['buckets that go down', '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 4\nh_sum 1\nh_count 4\n', 'less than'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 5\nh_sum 1\nh_count 5\n', '+Inf'],
  ])('refuses %s', (_what, text, message) => {
    expect(() => readExposition(text)).toThrow(message);
  });
});
