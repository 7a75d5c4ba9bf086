// What a sql_count probe may run: one SELECT, nothing else. The probe also runs it in a READ ONLY transaction over
// the extended protocol (which refuses several statements), so this check is the first of three locks.

/** The statement without a trailing semicolon; throws a message saying what is wrong and what to write instead. */
export function checkSelect(probe: string, text: string): string {
  let sql = text.trim();
  if (sql.endsWith(';')) sql = sql.slice(0, -1).trimEnd();
  if (!sql)
    throw new Error(
      `probe ${probe}: sql is empty; write one SELECT that returns one number, such as: select count(*) from items`,
    );
  if (sql.includes(';')) {
    throw new Error(
      `probe ${probe}: sql holds more than one statement (a ';' inside); write a single SELECT that returns one number`,
    );
  }
  if (!/^select\b/i.test(sql)) {
    const first = /^\S+/.exec(sql)?.[0] ?? '';
    throw new Error(
      `probe ${probe}: sql must be a SELECT, but it starts with "${first.slice(0, 20)}"; probes only read, e.g. select count(*) from items`,
    );
  }
  return sql;
}
