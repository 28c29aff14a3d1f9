# Writes test/faults/bad_input/configs/*.yaml and expected.json from hand-written cases.
# In each case text, "§" marks the exact character the error must point at (line and column
# are counted from it); "message" is a substring the error must contain.
import json, os  # run: python3 test/faults/bad_input/configs/make_corpus.py
OUT = os.path.dirname(os.path.abspath(__file__))
cases = []
def case(name, text, message, at='marker', code=None, extra=None):
    cases.append(dict(name=name, text=text, message=message, at=at, code=code, extra=extra))

BASE_OUT = "output:\n  drop: {}\n"
GEN = "input:\n  generate:\n    count: 1\n    mapping: root = 1\n"

# ---- A. invalid YAML ----
case('yaml_tab_indent_input', "input:\n§\tgenerate:\n    mapping: root = 1\n", 'Tabs are not allowed as indentation')
case('yaml_tab_indent_nested', "input:\n  generate:\n§\t  mapping: root = 1\n", 'Tabs are not allowed as indentation')
case('yaml_tab_indent_processors', "pipeline:\n  processors:\n§\t- mapping: root = this\n" + BASE_OUT, 'Tabs are not allowed as indentation')
case('yaml_tab_indent_output', GEN + "output:\n§\tdrop: {}\n", 'Tabs are not allowed as indentation')
case('yaml_tab_indent_deep', "input:\n  generate:\n    mapping: root = 1\n    count:\n§\t\t5\n", 'Tabs are not allowed as indentation')
case('yaml_unclosed_double_quote', "input:\n  generate:\n    mapping: §\"root = 1\n", 'Missing closing "quote')
case('yaml_unclosed_double_quote_flow', GEN + "output:\n  stdout: {codec: §\"lines}\n", 'Missing closing "quote')
case('yaml_unclosed_double_quote_top', "http:\n  address: §\"127.0.0.1:4195\n" + GEN, 'Missing closing "quote')
case('yaml_unclosed_single_quote', "input:\n  generate:\n    mapping: §'root = 1\n", "Missing closing 'quote")
case('yaml_unclosed_single_quote_list', "input:\n  file:\n    paths: [ §'a.txt ]\n", "Missing closing 'quote")
case('yaml_unclosed_single_quote_escaped', "input:\n  generate:\n    mapping: §'root = ''x''\n", "Missing closing 'quote")
case('yaml_unclosed_bracket', "input:\n  file:\n    paths: §[a.txt, b.txt\n" + BASE_OUT, 'end with a ]')
case('yaml_unclosed_bracket_nested', "input:\n  file:\n    paths: §[a.txt, [b.txt]\n" + BASE_OUT, 'end with a ]')
case('yaml_unclosed_bracket_eof', "input:\n  file:\n    paths: §[a.txt\n", 'end with a ]')
case('yaml_unclosed_brace', "input: §{generate: {mapping: root = 1}\n" + BASE_OUT, 'end with a }')
case('yaml_unclosed_brace_inner', "input: §{generate: {mapping: root = 1, count: 1}\n", 'end with a }')
case('yaml_unclosed_brace_output', GEN + "output: §{drop: {}\n", 'end with a }')
case('yaml_bad_block_scalar_indent', "input:\n  generate:\n    mapping: |\n      root.a = 1\n    §root.b = 2\n", 'Implicit map keys need to be followed by map values')
case('yaml_bad_block_scalar_header', "input:\n  generate:\n    mapping: |§x\n      root = 1\n", 'Block scalar header includes extra characters: |x')
case('yaml_bad_mapping_indent', "input:\n  generate:\n    mapping: root = 1\n   §count: 2\n", 'All mapping items must start at the same column')
case('yaml_bad_mapping_indent_top', "input:\n  generate:\n    mapping: root = 1\n §output:\n  drop: {}\n", 'All mapping items must start at the same column')
case('yaml_bad_seq_indent', "pipeline:\n  processors:\n    - mapping: root = 1\n   §- mapping: root = 2\n", 'A block sequence may not be used as an implicit map key')
case('yaml_stray_bracket_top', "§]\n", 'Unexpected flow-seq-end token')
case('yaml_stray_brace_top', GEN + "§}\n", 'Unexpected flow-map-end token')
case('yaml_two_documents', GEN + "§---\n" + BASE_OUT, 'a config file holds one YAML document')
case('yaml_key_without_value', GEN + "§output\n", 'Implicit map keys need to be followed by map values')
case('yaml_key_without_colon_nested', "input:\n  generate:\n    mapping: root = 1\n    §count 5\n", 'Implicit map keys need to be followed by map values')
case('yaml_seq_and_map_mixed', "pipeline:\n  processors:\n    - mapping: root = 1\n    §threads: 2\n", 'All mapping items must start at the same column')
case('yaml_unknown_alias', GEN + "output: §*nowhere\n", 'Aliased anchor not found: nowhere')
case('yaml_map_value_on_key_line', "input: generate:\n    mapping: root = 1\n", 'Nested mappings are not allowed in compact mappings', at='any')

# ---- B. duplicate keys ----
case('dup_top_input', GEN + BASE_OUT + "§input:\n  stdin: {}\n", 'duplicate key "input" (also at line 1)')
case('dup_top_output', GEN + "output:\n  drop: {}\n§output:\n  stdout: {}\n", 'duplicate key "output" (also at line 5)')
case('dup_generate_count', "input:\n  generate:\n    count: 1\n    mapping: root = 1\n    §count: 2\n", 'duplicate key "count" (also at line 3)')
case('dup_generate_mapping', "input:\n  generate:\n    mapping: root = 1\n    §mapping: root = 2\n", 'duplicate key "mapping" (also at line 3)')
case('dup_processor_key', GEN + "pipeline:\n  processors:\n    - mapping: root = 1\n      §mapping: root = 2\n", 'duplicate key "mapping" (also at line 7)')
case('dup_log_level', GEN + "pipeline:\n  processors:\n    - log:\n        level: INFO\n        message: hi\n        §level: DEBUG\n", 'duplicate key "level" (also at line 8)')
case('dup_http_address', "http:\n  address: 127.0.0.1:1\n  enabled: false\n  §address: 127.0.0.1:2\n" + GEN, 'duplicate key "address" (also at line 2)')
case('dup_flow_map', "input: {generate: {mapping: root = 1, §mapping: root = 2}}\n", 'duplicate key "mapping" (also at line 1)')
case('dup_pipeline', GEN + "pipeline:\n  threads: 1\n§pipeline:\n  threads: 2\n", 'duplicate key "pipeline" (also at line 5)')
case('dup_threads', GEN + "pipeline:\n  threads: 1\n  §threads: 2\n", 'duplicate key "threads" (also at line 6)')
case('dup_resource_label_key', "cache_resources:\n  - label: a\n    §label: b\n    memory: {}\n", 'duplicate key "label" (also at line 2)')
case('dup_in_tests_any', GEN + "tests:\n  - name: t\n    §name: u\n", 'duplicate key "name" (also at line 6)')
case('dup_in_logger_static_fields', "logger:\n  static_fields:\n    a: x\n    §a: y\n" + GEN, 'duplicate key "a" (also at line 3)')
case('dup_three_times', "input:\n  generate:\n    mapping: root = 1\n    count: 1\n    §count: 2\n    count: 3\n", 'duplicate key "count" (also at line 4)')
case('dup_quoted_and_plain', "input:\n  generate:\n    mapping: root = 1\n    \"count\": 1\n    §count: 2\n", 'duplicate key "count" (also at line 4)')

# ---- C. alias bombs ----
def bomb(prefix_indent):
    lines = [f'{prefix_indent}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = 'a'
    for n in 'bcdefghi':
        lines.append(f'{prefix_indent}{n}: &{n} [' + ','.join(['*' + prev] * 9) + ']')
        prev = n
    return '\n'.join(lines) + '\n'
case('alias_bomb_in_tests', GEN + "tests:\n  - name: bomb\n    x:\n" + bomb('      '), 'too many YAML alias expansions', at='any')
# An alias used where a component goes is not expanded at all: the component is a list.
case('alias_bomb_as_input', "x_bombs:\n" + bomb('  ') + "input: §*i\n", 'expected a input object with a component type key')
case('alias_bomb_in_metrics', GEN + "metrics:\n  x:\n" + bomb('    '), 'too many YAML alias expansions', at='any')

# ---- D. empty / binary / nesting (big ones are built by the test) ----
case('empty_file', "§", 'the config is empty', code='W_EMPTY')
case('only_comments', "§# nothing here\n# at all\n", 'the config is empty', code='W_EMPTY')
case('only_whitespace', "§\n\n   \n", 'the config is empty', code='W_EMPTY')
case('scalar_document', "§just a string\n", 'the config must be a YAML object')
case('list_document', "§- input\n- output\n", 'the config must be a YAML object')
case('binary_nul_bytes', "§\x00\x01\x02\x03binary\x00", 'the config must be a YAML object')
case('deep_flow_sequence', "input: " + "[" * 199 + "§[" + "[" * 800 + "]" * 1000 + "\n", 'nested deeper than 200 levels')
case('deep_flow_map', "input: " + "{a: " * 199 + "§{a: " + "{a: " * 300 + "1" + "}" * 500 + "\n", 'nested deeper than 200 levels')

# ---- E. unknown fields (did you mean) ----
unknown_fields = [
  ('generate_mappin', "input:\n  generate:\n    §mappin: root = 1\n", 'field mappin not recognised (did you mean "mapping"?)'),
  ('generate_cout', "input:\n  generate:\n    mapping: root = 1\n    §cout: 3\n", 'field cout not recognised (did you mean "count"?)'),
  ('generate_intervall', "input:\n  generate:\n    mapping: root = 1\n    §intervall: 1s\n", 'field intervall not recognised (did you mean "interval"?)'),
  ('generate_batchsize', "input:\n  generate:\n    mapping: root = 1\n    §batchsize: 2\n", 'field batchsize not recognised (did you mean "batch_size"?)'),
  ('file_path', "input:\n  file:\n    paths: [a]\n    §path: b\n", 'field path not recognised (did you mean "paths"?)'),
  ('file_scaner', "input:\n  file:\n    paths: [a]\n    §scaner:\n      lines: {}\n", 'field scaner not recognised (did you mean "scanner"?)'),
  ('http_server_adress', "input:\n  http_server:\n    §adress: 127.0.0.1:0\n", 'field adress not recognised (did you mean "address"?)'),
  ('http_server_pth', "input:\n  http_server:\n    §pth: /post\n", 'field pth not recognised (did you mean "path"?)'),
  ('http_server_timout', "input:\n  http_server:\n    §timout: 5s\n", 'field timout not recognised (did you mean "timeout"?)'),
  ('kafka_in_adresses', "input:\n  kafka:\n    §adresses: [x]\n    topics: [t]\n", 'field adresses not recognised (did you mean "addresses"?)'),
  ('kafka_in_topic', "input:\n  kafka:\n    addresses: [x]\n    topics: [t]\n    §topic: t\n", 'field topic not recognised (did you mean "topics"?)'),
  ('kafka_in_consumergroup', "input:\n  kafka:\n    addresses: [x]\n    topics: [t]\n    §consumer_grup: g\n", 'field consumer_grup not recognised (did you mean "consumer_group"?)'),
  ('http_client_in_ur', "input:\n  http_client:\n    §ur: http://x\n", 'field ur not recognised (did you mean "url"?)'),
  ('http_client_in_verbb', "input:\n  http_client:\n    url: http://x\n    §verbb: GET\n", 'field verbb not recognised (did you mean "verb"?)'),
  ('stdout_codex', GEN + "output:\n  stdout:\n    §codex: lines\n", 'field codex not recognised (did you mean "codec"?)'),
  ('file_out_pth', GEN + "output:\n  file:\n    path: /tmp/x\n    §pth: /tmp/y\n", 'field pth not recognised (did you mean "path"?)'),
  ('kafka_out_topics', GEN + "output:\n  kafka:\n    addresses: [x]\n    topic: t\n    §topics: [t]\n", 'field topics not recognised (did you mean "topic"?)'),
  ('kafka_out_max_in_fligth', GEN + "output:\n  kafka:\n    addresses: [x]\n    topic: t\n    §max_in_fligth: 2\n", 'field max_in_fligth not recognised (did you mean "max_in_flight"?)'),
  ('http_client_out_verbb', GEN + "output:\n  http_client:\n    url: http://x\n    §verbb: POST\n", 'field verbb not recognised (did you mean "verb"?)'),
  ('switch_out_case', GEN + "output:\n  switch:\n    §case:\n      - output:\n          drop: {}\n", 'field case not recognised (did you mean "cases"?)'),
  ('broker_out_output', GEN + "output:\n  broker:\n    §output:\n      - drop: {}\n", 'field output not recognised (did you mean "outputs"?)'),
  ('broker_patern', GEN + "output:\n  broker:\n    §patern: fan_out\n    outputs:\n      - drop: {}\n", 'field patern not recognised (did you mean "pattern"?)'),
  ('log_levle', GEN + "pipeline:\n  processors:\n    - log:\n        §levle: INFO\n", 'field levle not recognised (did you mean "level"?)'),
  ('log_mesage', GEN + "pipeline:\n  processors:\n    - log:\n        §mesage: hi\n", 'field mesage not recognised (did you mean "message"?)'),
  ('sleep_duraton', GEN + "pipeline:\n  processors:\n    - sleep:\n        duration: 1s\n        §duraton: 2s\n", 'field duraton not recognised (did you mean "duration"?)'),
  ('dedupe_cach', GEN + "pipeline:\n  processors:\n    - dedupe:\n        cache: c\n        key: k\n        §cach: c\n", 'field cach not recognised (did you mean "cache"?)'),
  ('cache_proc_operater', GEN + "pipeline:\n  processors:\n    - cache:\n        resource: c\n        operator: get\n        key: k\n        §operater: set\n", 'field operater not recognised (did you mean "operator"?)'),
  ('branch_request_mapp', GEN + "pipeline:\n  processors:\n    - branch:\n        §request_mapp: root = this\n        processors: []\n", 'field request_mapp not recognised (did you mean "request_map"?)'),
  ('branch_result_mpa', GEN + "pipeline:\n  processors:\n    - branch:\n        processors: []\n        §result_mpa: root = this\n", 'field result_mpa not recognised (did you mean "result_map"?)'),
  ('memory_default_tll', "cache_resources:\n  - label: c\n    memory:\n      §default_tll: 5m\n", 'field default_tll not recognised (did you mean "default_ttl"?)'),
  ('lru_cpa', "cache_resources:\n  - label: c\n    lru:\n      §cpa: 10\n", 'field cpa not recognised (did you mean "cap"?)'),
  ('local_coutn', "rate_limit_resources:\n  - label: r\n    local:\n      §coutn: 10\n", 'field coutn not recognised (did you mean "count"?)'),
  ('local_intervl', "rate_limit_resources:\n  - label: r\n    local:\n      §intervl: 1s\n", 'field intervl not recognised (did you mean "interval"?)'),
  ('top_pipline', GEN + "§pipline:\n  processors: []\n", 'field pipline not recognised (did you mean "pipeline"?)'),
  ('top_ouput', GEN + "§ouput:\n  drop: {}\n", 'field ouput not recognised (did you mean "output"?)'),
  ('top_inptu', "§inptu:\n  stdin: {}\n", 'field inptu not recognised (did you mean "input"?)'),
  ('top_loger', GEN + "§loger:\n  level: INFO\n", 'field loger not recognised (did you mean "logger"?)'),
  ('top_shutdown_timout', GEN + "§shutdown_timout: 5s\n", 'field shutdown_timout not recognised (did you mean "shutdown_timeout"?)'),
  ('http_adress', "http:\n  §adress: 127.0.0.1:4195\n" + GEN, 'field adress not recognised (did you mean "address"?)'),
  ('pipeline_thread', GEN + "pipeline:\n  §thread: 2\n", 'field thread not recognised (did you mean "threads"?)'),
  ('pipeline_procesors', GEN + "pipeline:\n  §procesors:\n    - mapping: root = this\n", 'field procesors not recognised (did you mean "processors"?)'),
  ('logger_fromat', "logger:\n  §fromat: json\n" + GEN, 'field fromat not recognised (did you mean "format"?)'),
  ('error_handling_strategie', GEN + "error_handling:\n  §strategie: drop\n", 'field strategie not recognised (did you mean "strategy"?)'),
  ('no_suggestion', "input:\n  generate:\n    mapping: root = 1\n    §zzzzzzzz: 1\n", 'field zzzzzzzz not recognised'),
  ('misplaced_field_next_to_type', "input:\n  generate:\n    mapping: root = 1\n  §count: 5\n", 'field count not recognised'),
  ('lines_scanner_max_bufer', "input:\n  file:\n    paths: [a]\n    scanner:\n      lines:\n        §max_bufer_size: 10\n", 'field max_bufer_size not recognised (did you mean "max_buffer_size"?)'),
]
for n, t, m in unknown_fields: case('unknown_field_' + n, t, m)

# ---- F. unknown component types ----
unknown_types = [
  ('input_genrate', "input:\n  §genrate:\n    mapping: root = 1\n", 'unknown input type "genrate" (did you mean "generate"?)'),
  ('input_kafak', "input:\n  §kafak:\n    addresses: [x]\n", 'unknown input type "kafak" (did you mean "kafka"?)'),
  ('input_stdn', "input:\n  §stdn: {}\n", 'unknown input type "stdn" (did you mean "stdin"?)'),
  ('input_htttp_server', "input:\n  §htttp_server: {}\n", 'unknown input type "htttp_server" (did you mean "http_server"?)'),
  ('input_fil', "input:\n  §fil:\n    paths: [a]\n", 'unknown input type "fil" (did you mean "file"?)'),
  ('input_nonsense', "input:\n  §qqqqqqqqqqqq: {}\n", 'unknown input type "qqqqqqqqqqqq"'),
  ('output_stdot', GEN + "output:\n  §stdot: {}\n", 'unknown output type "stdot" (did you mean "stdout"?)'),
  ('output_dorp', GEN + "output:\n  §dorp: {}\n", 'unknown output type "dorp" (did you mean "drop"?)'),
  ('output_kafka_franc', GEN + "output:\n  §kafka_franc: {}\n", 'unknown output type "kafka_franc" (did you mean "kafka_franz"?)'),
  ('output_in_broker', GEN + "output:\n  broker:\n    outputs:\n      - §stdot: {}\n", 'unknown output type "stdot" (did you mean "stdout"?)'),
  ('output_in_switch', GEN + "output:\n  switch:\n    cases:\n      - output:\n          §dorp: {}\n", 'unknown output type "dorp" (did you mean "drop"?)'),
  ('processor_mappin', GEN + "pipeline:\n  processors:\n    - §mappin: root = this\n", 'unknown processor type "mappin" (did you mean "mapping"?)'),
  ('processor_mutaton', GEN + "pipeline:\n  processors:\n    - §mutaton: root = this\n", 'unknown processor type "mutaton" (did you mean "mutation"?)'),
  ('processor_loq', GEN + "pipeline:\n  processors:\n    - §loq:\n        message: hi\n", 'unknown processor type "loq" (did you mean "log"?)'),
  ('processor_bloblan', GEN + "pipeline:\n  processors:\n    - §bloblan: root = this\n", 'unknown processor type "bloblan" (did you mean "bloblang"?)'),
  ('processor_in_branch', GEN + "pipeline:\n  processors:\n    - branch:\n        processors:\n          - §mapinng: root = this\n", 'unknown processor type "mapinng" (did you mean "mapping"?)'),
  ('processor_in_input', "input:\n  generate:\n    mapping: root = 1\n  processors:\n    - §slep:\n        duration: 1s\n", 'unknown processor type "slep" (did you mean "sleep"?)'),
  ('cache_memroy', "cache_resources:\n  - label: c\n    §memroy: {}\n", 'unknown cache type "memroy" (did you mean "memory"?)'),
  ('cache_rdis', "cache_resources:\n  - label: c\n    §rdis:\n      url: redis://x\n", 'unknown cache type "rdis" (did you mean "redis"?)'),
  ('rate_limit_locl', "rate_limit_resources:\n  - label: r\n    §locl: {}\n", 'unknown rate_limit type "locl" (did you mean "local"?)'),
  ('scanner_lnes', "input:\n  file:\n    paths: [a]\n    scanner:\n      §lnes: {}\n", 'unknown scanner type "lnes" (did you mean "lines"?)'),
]
for n, t, m in unknown_types: case('unknown_type_' + n, t, m)

# ---- G. wrong types ----
wrong = [
  ('count_string', "input:\n  generate:\n    mapping: root = 1\n    count: §lots\n", 'field count: expected an integer, got the string "lots"'),
  ('count_float', "input:\n  generate:\n    mapping: root = 1\n    count: §1.5\n", 'field count: expected an integer, got 1.5'),
  ('count_list', "input:\n  generate:\n    mapping: root = 1\n    count: §[1]\n", 'field count: expected a number, got a list'),
  ('count_object', "input:\n  generate:\n    mapping: root = 1\n    count:\n      §a: 1\n", 'field count: expected a number, got an object'),
  ('count_bool', "input:\n  generate:\n    mapping: root = 1\n    count: §true\n", 'field count: expected an integer, got boolean true'),
  ('threads_string', GEN + "pipeline:\n  threads: §many\n", 'field threads: expected an integer, got the string "many"'),
  ('batch_size_quoted_word', "input:\n  generate:\n    mapping: root = 1\n    batch_size: §\"ten\"\n", 'field batch_size: expected an integer, got the string "ten"'),
  ('lru_cap_string', "cache_resources:\n  - label: c\n    lru:\n      cap: §big\n", 'field cap: expected an integer, got the string "big"'),
  ('local_count_string', "rate_limit_resources:\n  - label: r\n    local:\n      count: §ten\n", 'field count: expected an integer, got the string "ten"'),
  ('shutdown_timeout_words', GEN + "shutdown_timeout: §10 seconds\n", 'field shutdown_timeout: unknown unit " seconds" in duration "10 seconds"'),
  ('shutdown_delay_number_word', GEN + "shutdown_delay: §soon\n", 'field shutdown_delay: invalid duration "soon"'),
  ('http_server_timeout_words', "input:\n  http_server:\n    timeout: §5 secs\n", 'field timeout: unknown unit " secs" in duration "5 secs"'),
  ('memory_ttl_words', "cache_resources:\n  - label: c\n    memory:\n      default_ttl: §five minutes\n", 'field default_ttl: invalid duration "five minutes"'),
  ('local_interval_list', "rate_limit_resources:\n  - label: r\n    local:\n      interval: §[1s]\n", 'field interval: expected a duration string such as "5s", got a list'),
  ('http_client_timeout_unit', GEN + "output:\n  http_client:\n    url: http://x\n    timeout: §10 sec\n", 'field timeout: unknown unit " sec" in duration "10 sec"'),
  ('max_in_flight_negative_kafka', GEN + "output:\n  kafka:\n    addresses: [x]\n    topic: t\n    max_in_flight: §-1\n", 'field max_in_flight: must be at least 1'),
  ('max_in_flight_zero_http', GEN + "output:\n  http_client:\n    url: http://x\n    max_in_flight: §0\n", 'field max_in_flight: must be at least 1'),
  ('max_in_flight_string', GEN + "output:\n  file:\n    path: /tmp/x\n    max_in_flight: §lots\n", 'field max_in_flight: expected an integer, got the string "lots"'),
  ('max_in_flight_negative_redis', GEN + "output:\n  redis_list:\n    url: redis://x\n    key: k\n    max_in_flight: §-5\n", 'field max_in_flight: must be at least 1'),
  ('enabled_yes', "http:\n  enabled: §yes\n" + GEN, 'field enabled: expected true or false, got the string "yes"'),
  ('enabled_number', "http:\n  enabled: §1\n" + GEN, 'field enabled: expected true or false, got number 1'),
  ('paths_string_map', "input:\n  file:\n    paths:\n      §a: b\n", 'field paths: expected a list, got an object'),
  ('outputs_map', GEN + "output:\n  broker:\n    outputs:\n      §a:\n        drop: {}\n", 'field outputs: expected a list, got an object'),
  ('processors_map', GEN + "pipeline:\n  processors:\n    §mapping: root = this\n", 'field processors: expected a list, got an object'),
  ('processors_string', GEN + "pipeline:\n  processors: §mapping\n", 'field processors: expected a list, got the string "mapping"'),
  ('mapping_object', "input:\n  generate:\n    mapping:\n      §root: 1\n", 'field mapping: expected a string, got an object'),
  ('mapping_list', "input:\n  generate:\n    mapping: §[root = 1]\n", 'field mapping: expected a string, got a list'),
  ('address_list', "http:\n  address: §[a, b]\n" + GEN, 'field address: expected a string, got a list'),
  ('logger_static_fields_list', "logger:\n  static_fields: §[a]\n" + GEN, 'field static_fields: expected an object, got a list'),
  ('http_object_as_number', "http: §5\n" + GEN, 'field http: expected an object, got number 5'),
  ('pipeline_as_list', GEN + "pipeline: §[a]\n", 'field pipeline: expected an object, got a list'),
  ('logger_format_option', "logger:\n  format: §xml\n" + GEN, 'field format: value "xml" is not one of logfmt, json'),
  ('strategy_option', GEN + "error_handling:\n  strategy: §retry\n", 'field strategy: value "retry" is not one of none, reject, drop'),
  ('logger_level', "logger:\n  level: §LOUD\n" + GEN, 'unknown level "LOUD"'),
  ('input_as_string', "input: §stdin\n", 'expected a input object with a component type key'),
  ('output_as_list', GEN + "output: §[drop]\n", 'expected a output object with a component type key'),
  ('processor_item_string', GEN + "pipeline:\n  processors:\n    - §mapping\n", 'expected a processor object with a component type key'),
  ('label_uppercase', "input:\n  label: §Source\n  generate:\n    mapping: root = 1\n", 'label "Source" is invalid'),
  ('label_dash', GEN + "output:\n  label: §my-out\n  drop: {}\n", 'label "my-out" is invalid'),
  ('two_component_types', "input:\n  §stdin: {}\n  generate:\n    mapping: root = 1\n", 'input has several component types (stdin, generate)'),
  ('no_component_type', "input:\n  §label: x\n", 'input has no component type'),
]
for n, t, m in wrong: case('wrong_type_' + n, t, m)

# ---- H. missing required ----
missing = [
  ('generate_mapping', "input:\n  generate:\n    §count: 1\n", 'field mapping is required'),
  ('generate_empty', "input:\n  generate: §{}\n", 'field mapping is required'),
  ('file_paths', "input:\n  file:\n    §delete_on_finish: false\n", 'field paths is required'),
  ('http_client_url', GEN + "output:\n  http_client:\n    §verb: POST\n", 'field url is required'),
  ('kafka_out_topic', GEN + "output:\n  kafka:\n    §addresses: [x]\n", 'field topic is required'),
  ('kafka_in_topics', "input:\n  kafka:\n    §addresses: [x]\n", 'field topics is required'),
  ('dedupe_key', GEN + "pipeline:\n  processors:\n    - dedupe:\n        §cache: c\n", 'field key is required'),
  ('cache_proc_operator', GEN + "pipeline:\n  processors:\n    - cache:\n        §resource: c\n        key: k\n", 'field operator is required'),
  ('redis_cache_url', "cache_resources:\n  - label: c\n    redis:\n      §kind: simple\n", 'field url is required'),
  ('switch_out_cases', GEN + "output:\n  switch:\n    §strict_mode: true\n", 'field cases is required'),
  ('sleep_duration', GEN + "pipeline:\n  processors:\n    - sleep: §{}\n", 'field duration is required'),
  ('nats_subject', "input:\n  nats:\n    §urls: [nats://x]\n", 'field subject is required'),
  ('resource_without_label', "processor_resources:\n  - §mapping: root = this\n", 'processor_resources entries need a label'),
  ('cache_resource_without_label', "cache_resources:\n  - §memory: {}\n", 'cache_resources entries need a label'),
]
for n, t, m in missing: case('missing_' + n, t, m)

# ---- I. environment variables ----
env = [
  ('string_field', "input:\n  generate:\n    mapping: §${BADIN_UNSET_MAPPING}\n", 'required environment variable BADIN_UNSET_MAPPING is not set'),
  ('inside_string', "input:\n  generate:\n    mapping: §root = \"${BADIN_UNSET_A}\"\n", 'required environment variable BADIN_UNSET_A is not set'),
  ('int_field', "input:\n  generate:\n    mapping: root = 1\n    count: §${BADIN_UNSET_COUNT}\n", 'required environment variable BADIN_UNSET_COUNT is not set'),
  ('bool_field', "http:\n  enabled: §${BADIN_UNSET_BOOL}\n" + GEN, 'required environment variable BADIN_UNSET_BOOL is not set'),
  ('duration_field', GEN + "shutdown_timeout: §${BADIN_UNSET_DURATION}\n", 'required environment variable BADIN_UNSET_DURATION is not set'),
  ('list_item', "input:\n  file:\n    paths: [ §\"${BADIN_UNSET_PATH}\" ]\n", 'required environment variable BADIN_UNSET_PATH is not set'),
  ('quoted', "http:\n  address: §\"${BADIN_UNSET_ADDR}\"\n" + GEN, 'required environment variable BADIN_UNSET_ADDR is not set'),
  ('second_of_two', "http:\n  address: §${BADIN_SET_HOST}:${BADIN_UNSET_PORT}\n" + GEN, 'required environment variable BADIN_UNSET_PORT is not set'),
  ('in_processor', GEN + "pipeline:\n  processors:\n    - log:\n        message: §${BADIN_UNSET_MSG}\n", 'required environment variable BADIN_UNSET_MSG is not set'),
  ('in_resource', "cache_resources:\n  - label: c\n    memory:\n      default_ttl: §${BADIN_UNSET_TTL}\n", 'required environment variable BADIN_UNSET_TTL is not set'),
  ('in_output', GEN + "output:\n  file:\n    path: §/tmp/${BADIN_UNSET_DIR}/out\n", 'required environment variable BADIN_UNSET_DIR is not set'),
  ('in_any_field', GEN + "metrics:\n  prometheus:\n    prefix: §${BADIN_UNSET_PREFIX}\n", 'required environment variable BADIN_UNSET_PREFIX is not set'),
  ('dotted_name', "input:\n  generate:\n    mapping: §${BADIN.UNSET.DOTTED}\n", 'required environment variable BADIN.UNSET.DOTTED is not set'),
  ('block_scalar', "input:\n  generate:\n    mapping: §|\n      root = \"${BADIN_UNSET_BLOCK}\"\n", 'required environment variable BADIN_UNSET_BLOCK is not set'),
  ('set_value_wrong_type', "input:\n  generate:\n    mapping: root = 1\n    count: §${BADIN_SET_WORD}\n", 'field count: expected an integer, got the string "word"'),
  ('default_wrong_type', "input:\n  generate:\n    mapping: root = 1\n    count: §${BADIN_UNSET_X:many}\n", 'field count: expected an integer, got the string "many"'),
  ('yaml_syntax_value_int', "input:\n  generate:\n    mapping: root = 1\n    count: §${BADIN_SET_YAMLISH}\n", 'field count: expected an integer, got the string "5\nfoo: 1"'),
  ('yaml_syntax_value_bool', "http:\n  enabled: §${BADIN_SET_FLOWISH}\n" + GEN, 'field enabled: expected true or false, got the string "a, b]"'),
  ('yaml_syntax_value_duration', GEN + "shutdown_timeout: §${BADIN_SET_COMMENTISH}\n", 'field shutdown_timeout: invalid duration "x # y"'),
  ('yaml_syntax_value_label_option', "logger:\n  format: §${BADIN_SET_KEYISH}\n" + GEN, 'field format: value "key: v" is not one of logfmt, json'),
]
for n, t, m in env: case('env_' + n, t, m)

# ---- J. resource labels ----
labels = [
  ('unknown_processor_resource', GEN + "pipeline:\n  processors:\n    - §resource: nope\n", 'processor resource "nope" is not declared'),
  ('unknown_input_resource', "input:\n  §resource: nope_in\n", 'input resource "nope_in" is not declared'),
  ('unknown_output_resource', GEN + "output:\n  §resource: nope_out\n", 'output resource "nope_out" is not declared'),
  ('unknown_resource_in_broker', GEN + "output:\n  broker:\n    outputs:\n      - §resource: nope_b\n", 'output resource "nope_b" is not declared'),
  ('unknown_resource_typo', GEN + "pipeline:\n  processors:\n    - §resource: tidyy\nprocessor_resources:\n  - label: tidy\n    mapping: root = this\n", 'processor resource "tidyy" is not declared'),
  ('resource_of_other_kind', GEN + "pipeline:\n  processors:\n    - §resource: out_one\noutput_resources:\n  - label: out_one\n    drop: {}\n", 'processor resource "out_one" is not declared'),
  ('duplicate_processor_labels', GEN + "pipeline:\n  processors:\n    - label: step\n      mapping: root = this\n    - label: §step\n      mapping: root = 1\n", 'label "step" is used more than once (also at line 7)'),
  ('duplicate_input_output_label', "input:\n  label: same\n  generate:\n    mapping: root = 1\noutput:\n  label: §same\n  drop: {}\n", 'label "same" is used more than once (also at line 2)'),
  ('duplicate_resource_labels', "cache_resources:\n  - label: c\n    memory: {}\n  - label: §c\n    memory: {}\n", 'label "c" is used more than once (also at line 2)'),
  ('duplicate_label_resource_and_component', GEN + "pipeline:\n  processors:\n    - label: tidy\n      mapping: root = this\nprocessor_resources:\n  - label: §tidy\n    mapping: root = 1\n", 'label "tidy" is used more than once (also at line 7)'),
]
for n, t, m in labels: case('labels_' + n, t, m)

# ---- K. Bloblang inside configs ----
blobl = [
  ('inline_unknown_method', "input:\n  generate:\n    mapping: root = this.§uppercas()\n", "unrecognised method 'uppercas' (did you mean 'uppercase'?)"),
  ('inline_unknown_function', "input:\n  generate:\n    mapping: root = §uuid_v5()\n", "unrecognised function 'uuid_v5' (did you mean 'uuid_v4'?)"),
  ('block_second_line', "input:\n  generate:\n    mapping: |\n      root.a = 1\n      root.b = §nope_fn()\n", "unrecognised function 'nope_fn'"),
  ('block_unterminated_string', "input:\n  generate:\n    mapping: |\n      root.a = 1\n      root.b = §\"abc\n", 'required: "'),
  ('processor_block', GEN + "pipeline:\n  processors:\n    - mapping: |\n        root = this\n        root.x = this.y.§uppercas()\n", "unrecognised method 'uppercas'"),
  ('double_quoted', "input:\n  generate:\n    mapping: \"root = §nope()\"\n", "unrecognised function 'nope'"),
  ('single_quoted', "input:\n  generate:\n    mapping: 'root = \"a\" + §nope()'\n", "unrecognised function 'nope'"),
  ('interpolation', GEN + "output:\n  file:\n    path: '/tmp/${! §nope() }'\n", "unrecognised function 'nope'"),
  ('check_field', GEN + "output:\n  switch:\n    cases:\n      - check: this.a ==\n        output:\n          drop: {}\n", 'expected query', 'any'),
  ('arity', "input:\n  generate:\n    mapping: root = this.a.§uppercase(1)\n", 'wrong number of arguments, expected 0, got 1'),
  ('folded_block', "input:\n  generate:\n    mapping: >\n      root =\n      §nope()\n", "unrecognised function 'nope'"),
]
for n, t, m, *rest in blobl: case('bloblang_' + n, t, m, at=(rest[0] if rest else 'marker'))

# write
os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    if f.endswith('.yaml') or f == 'expected.json': os.remove(os.path.join(OUT, f))
expected = {}
for i, c in enumerate(cases):
    fname = f"{i+1:03d}_{c['name']}.yaml"
    text = c['text']
    entry = {'message': c['message']}
    if c['code']: entry['code'] = c['code']
    if c['at'] == 'marker':
        assert text.count('§') == 1, c['name']
        idx = text.index('§')
        before = text[:idx]
        line = before.count('\n') + 1
        col = idx - (before.rfind('\n') + 1) + 1
        entry['line'] = line; entry['column'] = col
        text = text.replace('§', '')
    elif c['at'] == 'any':
        assert '§' not in text
        entry['located'] = True
    else:
        text = text.replace('§', '')
    with open(os.path.join(OUT, fname), 'w', newline='') as fh: fh.write(text)
    expected[fname] = entry
json.dump(expected, open(os.path.join(OUT, 'expected.json'), 'w'), indent=1, ensure_ascii=False)
print(len(cases), 'cases')
