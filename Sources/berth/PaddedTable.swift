/// Go's `tabwriter` as Docker's CLI configures it: every column but the last as wide as its
/// widest cell plus `padding`, and at least `minWidth`.
enum PaddedTable {
  static func render(_ rows: [[String]], minWidth: Int, padding: Int = 3) -> String {
    var widths: [Int] = []
    for row in rows {
      for (i, cell) in row.enumerated() {
        if i >= widths.count { widths.append(0) }
        widths[i] = max(widths[i], cell.count)
      }
    }
    var out = ""
    for row in rows {
      var line = ""
      for (i, cell) in row.enumerated() {
        line += cell
        if i < row.count - 1 { line += String(repeating: " ", count: max(widths[i] + padding, minWidth) - cell.count) }
      }
      out += line + "\n"
    }
    return out
  }
}
