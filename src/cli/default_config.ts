/**
 * The config `sluice run` uses when given none: a small pipeline that shows generate, a Bloblang
 * mapping, batching and stdout working together, then ends by itself.
 */
export const DEFAULT_CONFIG = `# Sluice's built-in demo: run your own with \`sluice run config.yaml\`.
input:
  generate:
    count: 10
    interval: 100ms
    mapping: |
      root.id = counter()
      root.user = {"name": ["ada", "grace", "linus"].index(counter() % 3)}
      root.tags = ["news", "spam", "tech"]
      root.price = 2.5
      root.qty = counter() % 4 + 1

pipeline:
  processors:
    - mapping: |
        root = this
        root.user.name = this.user.name.uppercase()
        root.tags = this.tags.filter(t -> t != "spam")
        root.total = this.price * this.qty

output:
  stdout:
    codec: lines

logger:
  level: WARN
`;
