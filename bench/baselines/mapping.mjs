// Baseline for `mapping`: the same edit as the Bloblang mapping, written by hand in JavaScript.
//   root = this
//   root.user.name = this.user.name.uppercase()
//   root.tags = this.tags.filter(t -> t != "spam")
//   root.total = this.price * this.qty
import { eachLineBatch } from './lines.mjs';

await eachLineBatch(process.argv[2], (lines) => {
  let out = '';
  for (const line of lines) {
    const doc = JSON.parse(line.toString('utf8'));
    doc.user.name = doc.user.name.toUpperCase();
    doc.tags = doc.tags.filter((t) => t !== 'spam');
    doc.total = doc.price * doc.qty;
    out += JSON.stringify(doc) + '\n';
  }
  return out;
});
