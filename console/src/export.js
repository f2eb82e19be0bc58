// Tables leave the console as CSV that Excel opens as it is (UTF-8 with a BOM, CRLF).
function cell(value) {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

// columns: [{label, prop}] or [{label, value: row => …}]
export function toCsv(columns, rows) {
  const lines = [columns.map(c => cell(c.label))]
  for (const row of rows) lines.push(columns.map(c => cell(c.value ? c.value(row) : row[c.prop])))
  return `\uFEFF${lines.map(line => line.join(',')).join('\r\n')}\r\n`
}

export function downloadCsv(filename, columns, rows) {
  const link = document.createElement('a')
  link.href = URL.createObjectURL(new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }))
  link.download = filename
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 10000)
}

// YYYY-MM-DD of a Date in local time (the API's periods are local days)
export function isoDay(date) {
  const pad = n => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}
