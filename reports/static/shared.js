// Figures the pages of a family share (a person's rate beside everyone else's) come in data
// files, one per project (dagster_project/lib/site/shared_data.py), so that a page's own file
// changes only when its own rows do. This fills them into the page's tables and elements, and
// gives charts.js the rows to merge (annolyticsSharedRows). Cells read as the server writes
// them (lib/site/formats.py), Python's rounding included.
(function () {
  "use strict";
  var node = document.getElementById("shared-page");
  if (!node) return;
  var page = JSON.parse(node.textContent);
  var loaded = window.annolyticsShared || {};

  // query -> key text -> row object, from every data file this page loaded; query -> its key.
  var index = {}, keyColumns = {};
  Object.keys(loaded).sort().forEach(function (file) {
    Object.keys(loaded[file]).forEach(function (query) {
      var entry = loaded[file][query];
      var keys = keyColumns[query] = entry.key;
      var byKey = index[query] = index[query] || {};
      (entry.pages[page.page] || []).forEach(function (values) {
        var row = {};
        entry.columns.forEach(function (column, i) { row[column] = values[i]; });
        byKey[JSON.stringify(keys.map(function (key) { return row[key]; }))] = row;
      });
    });
  });

  function rowOf(query, keyValues) {
    return (index[query] || {})[JSON.stringify(keyValues)];
  }

  // Python's format rounds a tie to even; toFixed rounds it away from zero. A tie is a value
  // exactly halfway, (2k+1) / (2 * 10^digits), which a double holds only when 5^digits
  // divides 2k+1.
  function fixed(value, digits) {
    var scale = Math.pow(10, digits), magnitude = Math.abs(value), scaled = magnitude * scale;
    var k = Math.floor(scaled);
    if (scaled - k === 0.5 && k % 2 === 0 && (2 * k + 1) % Math.pow(5, digits) === 0 &&
        (2 * k + 1) / (2 * scale) === magnitude) {
      return (value < 0 ? "-" : "") + (k / scale).toFixed(digits);
    }
    return value.toFixed(digits);
  }

  function grouped(text) {
    var parts = text.split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  function pct(value, digits) { return value == null ? "–" : fixed(value * 100, digits) + " %"; }

  // As lib/site/formats.py's NUMBER_FORMATS (seconds are not shared by any page yet).
  var NUMBERS = {
    int: function (v) { return grouped(fixed(v, 0)); },
    num: function (v) { return grouped(fixed(v, 1)); },
    num2: function (v) { return grouped(fixed(v, 2)); },
    money: function (v) { return grouped(fixed(v, 2)); },
    pct: function (v) { return pct(v, 1); }
  };

  function fill(cell, format, row, th) {
    var value = row ? row[th.getAttribute("data-column")] : null;
    cell.textContent = "";
    cell.className = format === "pct_ci" ? "num" : value == null ? "missing" : format in NUMBERS ? "num" : "";
    cell.setAttribute("data-value", value == null ? "" : String(value));
    if (format === "pct_ci") {
      cell.textContent = pct(value, 1);
      var low = row ? row[th.getAttribute("data-low")] : null;
      if (low != null) {
        var interval = document.createElement("span");
        interval.className = "ci";
        interval.textContent = "[" + pct(low, 0) + "–" + pct(row[th.getAttribute("data-high")], 0) + "]";
        cell.append(" ", interval);
      }
    } else if (value == null) {
      cell.textContent = "–";
    } else {
      cell.textContent = format in NUMBERS ? NUMBERS[format](value) : String(value);
    }
  }

  document.querySelectorAll("table.data").forEach(function (table) {
    var columns = [];
    table.querySelectorAll("thead th").forEach(function (th, position) {
      if (th.hasAttribute("data-shared")) columns.push({ th: th, position: position });
    });
    if (!columns.length) return;
    var query = columns[0].th.getAttribute("data-shared");
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      var row = rowOf(query, JSON.parse(tr.getAttribute("data-shared-row")));
      columns.forEach(function (column) {
        fill(tr.cells[column.position], column.th.getAttribute("data-sort"), row, column.th);
      });
    });
  });

  document.querySelectorAll("[data-shared-value]").forEach(function (element) {
    var row = rowOf(element.getAttribute("data-shared-value"), []);
    var value = row ? row[element.getAttribute("data-column")] : null;
    var format = element.getAttribute("data-format");
    if (format === "rank") {  // beside a count, only where there is one (none for zero)
      element.textContent = value ? " (rank " + value + ")" : "";
    } else {
      element.textContent = value == null ? "–" : format in NUMBERS ? NUMBERS[format](value) : String(value);
    }
  });

  // charts.js: a chart's rows with its shared query's columns added by the query's key.
  window.annolyticsSharedRows = function (query, rows) {
    var keys = keyColumns[query] || [];
    return rows.map(function (row) {
      var shared = rowOf(query, keys.map(function (key) { return row[key]; }));
      return shared ? Object.assign({}, shared, row) : row;
    });
  };
  window.annolyticsFormat = { fixed: fixed, numbers: NUMBERS, pct: pct };
})();
