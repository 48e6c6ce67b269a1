// The CSV peer: papaparse, its rows shaped as parseUsersCsv shapes them.

/** papaparse rows to user inputs, as parseUsersCsv shapes them. */
export function papaUsers(Papa, text) {
  const parsed = Papa.parse(text.replace(/^\ufeff/, ""), { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim().toLowerCase() });
  return parsed.data.map((row) => {
    const user = {};
    for (const key in row) {
      const cell = row[key]?.trim();
      if (!cell) continue;
      user[key] = key === "accesslevels" ? cell.split(";").map((x) => x.trim()).filter(Boolean).map((x) => (/^\d+$/.test(x) ? { id: Number(x) } : { name: x })) : cell;
    }
    return user;
  });
}
