/** Documentation text shared by the sql_* components. */
export const PLACEHOLDER_DOC =
  'The placeholder style depends on the driver: `postgres` takes incrementing dollar signs (`$1`, `$2`, ...), ' +
  '`mysql` and `sqlite` take question marks (`?`).';

export const WHERE_DOC =
  'An optional where clause to add. Placeholder arguments are populated with the `args_mapping` field. ' +
  'Placeholders should always be question marks, and will automatically be converted to dollar syntax when the postgres driver is used.';
