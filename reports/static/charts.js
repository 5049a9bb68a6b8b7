// Draws every chart whose specification the page carries as JSON, from the rows that pass the
// project and date filters, and draws it again when the filters change. No data is ever
// evaluated as code, and every string from the data is escaped before Plotly sees it (Plotly
// reads a little HTML in labels: "<b>" would be bold, not text).
//
// Options by kind (values are column names unless said otherwise):
//   bar, line  x, y {column: legend}, group, sum (add up rows sharing x), ratio [num, den],
//              weight (y is a mean weighted by this column), stack, horizontal, flag (line:
//              mark points whose row is true), percent (y is a share)
//   heatmap    x, y, z, sum, short (drop e-mail domains)   calendar  date, value
//   sankey     source, target, value, sourceLabel, targetLabel (words)
//   hierarchy  parent, child, value, people (rows), person, detached (true = nobody reviews)
//   interval   category, estimate, low, high, label (word), compare {estimate, low, high, label}
//   scatter    x, y, label, group, yLow, yHigh (an interval bar per point)
//   box        group, y {column: legend}
//   every kind xTitle, yTitle, percent; bar, line and box: log (a logarithmic value axis)
//   every kind shared (a shared query of the page family: its columns are added to the rows)
(function () {
  "use strict";
  var A = window.Annolytics;
  var COLORS = ["#2f6fde", "#e07b39", "#3a9d5d", "#c2415b", "#7b5cc4", "#8c6d46", "#d45fb0", "#6f7c91", "#b5a12f", "#2aa3b5"];

  function esc(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function shown(column, value) {
    if (value == null) return "–";
    if (column === "project_key") return esc(A.projectName(value));
    return typeof value === "string" ? esc(value) : value;
  }
  function unique(values) {
    var seen = {}, out = [];
    values.forEach(function (value) {
      var key = JSON.stringify(value);
      if (!seen[key]) { seen[key] = true; out.push(value); }
    });
    return out;
  }
  function sum(rows, column) {
    return rows.reduce(function (total, row) { return total + (Number(row[column]) || 0); }, 0);
  }
  // Figures that do not add up (rates, medians) keep one point per row; where the same label
  // occurs in two projects, the project is named beside it.
  function labels(rows, column) {
    var projects = {};
    rows.forEach(function (row) {
      var key = String(row[column]);
      projects[key] = projects[key] || {};
      projects[key][row.project_key] = true;
    });
    return rows.map(function (row) {
      var label = shown(column, row[column]);
      return Object.keys(projects[String(row[column])]).length > 1 ? label + " · " + esc(A.projectName(row.project_key)) : label;
    });
  }
  function cellValue(cell, spec, column) {
    if (spec.ratio) {
      var base = sum(cell, spec.ratio[1]);
      return base ? sum(cell, spec.ratio[0]) / base : null;
    }
    if (spec.weight) {
      var weight = sum(cell, spec.weight);
      return weight ? cell.reduce(function (t, r) { return t + (Number(r[column]) || 0) * (Number(r[spec.weight]) || 0); }, 0) / weight : null;
    }
    if (spec.sum) return sum(cell, column);
    return cell[cell.length - 1][column];
  }
  function short(name) {
    var text = String(name);
    return text.indexOf("@") > 0 ? text.slice(0, text.indexOf("@")) : text;
  }
  // E-mail addresses without their domain, where that still tells everyone apart.
  function shortener(values) {
    var shortened = {}, clash = false;
    unique(values).forEach(function (value) {
      var key = short(value);
      if (key in shortened && shortened[key] !== value) clash = true;
      shortened[key] = value;
    });
    return clash ? function (value) { return String(value); } : short;
  }

  // ---- builders: rows -> {data, layout} --------------------------------------------------------
  function xy(rows, spec, type) {
    // Rows that are added up, or drawn one line per project, need no project beside the label.
    var plain = spec.sum || spec.ratio || spec.weight || spec.group === "project_key";
    var xs = plain ? rows.map(function (r) { return shown(spec.x, r[spec.x]); }) : labels(rows, spec.x);
    var yColumns = Object.keys(spec.y || { value: "" });
    var traces = [];
    var lines = [];
    if (spec.group) {
      unique(rows.map(function (r) { return r[spec.group]; })).forEach(function (value) {
        lines.push({ name: shown(spec.group, value), column: yColumns[0], keep: function (r) { return r[spec.group] === value; } });
      });
    } else {
      yColumns.forEach(function (column) {
        lines.push({ name: esc(spec.y ? spec.y[column] : column), column: column, keep: function () { return true; } });
      });
    }
    var flagged = { x: [], y: [] };
    lines.forEach(function (line, index) {
      var order = [], cells = {};
      rows.forEach(function (row, i) {
        if (!line.keep(row)) return;
        if (!(xs[i] in cells)) { cells[xs[i]] = []; order.push(xs[i]); }
        cells[xs[i]].push(row);
      });
      var ys = order.map(function (x) { return cellValue(cells[x], spec, line.column); });
      if (spec.flag) {
        order.forEach(function (x, i) {
          if (cells[x].some(function (r) { return r[spec.flag]; })) { flagged.x.push(x); flagged.y.push(ys[i]); }
        });
      }
      var trace = { type: type === "line" ? "scatter" : "bar", name: line.name, marker: { color: COLORS[index % COLORS.length] } };
      if (type === "line") { trace.mode = order.length > 60 ? "lines" : "lines+markers"; trace.line = { color: COLORS[index % COLORS.length] }; }
      if (spec.horizontal) { trace.orientation = "h"; trace.y = order; trace.x = ys; } else { trace.x = order; trace.y = ys; }
      traces.push(trace);
    });
    if (flagged.x.length) {
      traces.push({ type: "scatter", mode: "markers", name: esc(spec.flagLabel || "flagged"), x: flagged.x, y: flagged.y,
        marker: { symbol: "x", size: 12, color: "#c2182b" } });
    }
    var categoryCount = unique(xs).length;
    var layout = { barmode: spec.stack ? "stack" : "group", showlegend: traces.length > 1 };
    // xTitle and yTitle name the axes as drawn: in a horizontal chart x carries the values.
    var valueTitle = spec.horizontal ? spec.xTitle : spec.yTitle;
    var categoryTitle = spec.horizontal ? spec.yTitle : spec.xTitle;
    var valueAxis = { title: { text: esc(valueTitle || "") }, tickformat: spec.percent ? ".0%" : undefined,
      type: spec.log ? "log" : "linear", rangemode: spec.log ? undefined : "tozero" };
    var categoryAxis = Object.assign({ title: { text: esc(categoryTitle || "") }, automargin: true },
      spec.horizontal ? {} : dateAxis(xs, spec.x));
    if (spec.horizontal) {
      layout.xaxis = valueAxis; layout.yaxis = Object.assign(categoryAxis, { autorange: "reversed" });
      layout.height = Math.max(320, 22 * categoryCount + 120);
    } else {
      layout.xaxis = categoryAxis; layout.yaxis = valueAxis;
    }
    return { data: traces, layout: layout };
  }

  // Days and weeks as dates with ticks in whole days: left to itself Plotly zooms a single day
  // down to milliseconds.
  function dateAxis(xs, column) {
    var values = unique(xs);
    if (!values.length || !values.every(function (x) { return /^\d{4}-\d{2}-\d{2}$/.test(x); })) return {};
    var step = column === "week" ? 7 : 1;
    var axis = { type: "date", tickformat: "%b %d, %Y" };
    if (values.length <= 31) axis.dtick = step * 86400000;
    if (values.length === 1) axis.range = [A.addDays(values[0], -step), A.addDays(values[0], step)];
    return axis;
  }

  function heatmap(rows, spec) {
    var ys = spec.sum ? rows.map(function (r) { return shown(spec.y, r[spec.y]); }) : labels(rows, spec.y);
    var xs = rows.map(function (r) { return shown(spec.x, r[spec.x]); });
    if (spec.short) {
      var shortX = shortener(xs), shortY = shortener(ys);
      xs = xs.map(shortX);
      ys = ys.map(shortY);
    }
    var xOrder = unique(xs).sort(), yOrder = unique(ys).sort();
    var z = yOrder.map(function () { return xOrder.map(function () { return null; }); });
    rows.forEach(function (row, i) {
      var cell = z[yOrder.indexOf(ys[i])], at = xOrder.indexOf(xs[i]);
      var value = Number(row[spec.z]);
      cell[at] = spec.sum ? (cell[at] || 0) + value : value;
    });
    return {
      data: [{ type: "heatmap", x: xOrder, y: yOrder, z: z, colorscale: "Blues", reversescale: true, hoverongaps: false }],
      layout: { xaxis: { title: { text: esc(spec.xTitle || "") }, automargin: true, type: "category" },
        yaxis: { title: { text: esc(spec.yTitle || "") }, automargin: true, type: "category" },
        height: Math.max(340, 20 * yOrder.length + 160) }
    };
  }

  var WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  function calendar(rows, spec) {
    var totals = {};
    rows.forEach(function (row) {
      var day = String(row[spec.date]).slice(0, 10);
      totals[day] = (totals[day] || 0) + (Number(row[spec.value]) || 0);
    });
    var days = Object.keys(totals).sort();
    var mondays = [];
    var first = days[0], last = days[days.length - 1];
    var monday = A.addDays(first, -((new Date(first + "T00:00:00Z").getUTCDay() + 6) % 7));
    while (monday <= last) { mondays.push(monday); monday = A.addDays(monday, 7); }
    var z = WEEKDAYS.map(function (_, weekday) {
      return mondays.map(function (m) { var day = A.addDays(m, weekday); return day in totals ? totals[day] : null; });
    });
    var text = WEEKDAYS.map(function (_, weekday) { return mondays.map(function (m) { return A.addDays(m, weekday); }); });
    return {
      data: [{ type: "heatmap", x: mondays, y: WEEKDAYS, z: z, text: text, colorscale: "Greens", reversescale: true, xgap: 2, ygap: 2,
        hovertemplate: "%{text}: %{z}<extra></extra>", hoverongaps: false }],
      layout: { xaxis: { title: { text: "week of" }, type: "category" }, yaxis: { autorange: "reversed" }, height: 300 }
    };
  }

  function sankey(rows, spec) {
    var links = {};
    rows.forEach(function (row) {
      var key = JSON.stringify([row[spec.source], row[spec.target]]);
      links[key] = (links[key] || 0) + (Number(row[spec.value]) || 0);
    });
    var sources = unique(rows.map(function (r) { return r[spec.source]; }));
    var targets = unique(rows.map(function (r) { return r[spec.target]; }));
    var name = shortener(sources.concat(targets));
    var nodeLabels = sources.map(function (s) { return esc(name(s)); }).concat(targets.map(function (t) { return esc(name(t)); }));
    var nodeHover = sources.map(function (s) { return esc((spec.sourceLabel || "from") + ": " + s); })
      .concat(targets.map(function (t) { return esc((spec.targetLabel || "to") + ": " + t); }));
    var link = { source: [], target: [], value: [] };
    Object.keys(links).forEach(function (key) {
      var pair = JSON.parse(key);
      link.source.push(sources.indexOf(pair[0]));
      link.target.push(sources.length + targets.indexOf(pair[1]));
      link.value.push(links[key]);
    });
    return {
      data: [{ type: "sankey", arrangement: "snap",
        node: { label: nodeLabels, customdata: nodeHover, hovertemplate: "%{customdata}<extra></extra>",
          color: sources.map(function () { return "#e07b39"; }).concat(targets.map(function () { return "#2f6fde"; })), pad: 8 },
        link: link }],
      layout: { height: Math.max(360, 14 * Math.max(sources.length, targets.length) + 120) }
    };
  }

  // Reviewers above the people they review, level by level; people nobody reviews stand apart
  // on the right, flagged, so unreviewed work is seen at a glance.
  function hierarchy(rows, spec) {
    var children = {}, parents = {}, weight = {};
    rows.forEach(function (row) {
      var p = row[spec.parent], c = row[spec.child];
      if (p === c) return;
      (children[p] = children[p] || {})[c] = true;
      (parents[c] = parents[c] || {})[p] = true;
      weight[JSON.stringify([p, c])] = (weight[JSON.stringify([p, c])] || 0) + (Number(row[spec.value]) || 0);
    });
    var nodes = unique(Object.keys(children).concat(Object.keys(parents)));
    var depth = {};
    var queue = nodes.filter(function (n) { return !parents[n]; });
    if (!queue.length && nodes.length) queue = [nodes[0]]; // everyone reviews everyone: start anywhere
    queue.forEach(function (n) { depth[n] = 0; });
    while (queue.length) {
      var n = queue.shift();
      Object.keys(children[n] || {}).forEach(function (c) {
        if (!(c in depth)) { depth[c] = depth[n] + 1; queue.push(c); }
      });
    }
    nodes.forEach(function (n) { if (!(n in depth)) depth[n] = 0; });
    var levels = [];
    nodes.forEach(function (n) { (levels[depth[n]] = levels[depth[n]] || []).push(n); });
    var x = {}, width = 1;
    levels.forEach(function (level) {
      level.sort(function (a, b) {
        function centre(n) {
          var ps = Object.keys(parents[n] || {}).filter(function (p) { return p in x; });
          return ps.length ? ps.reduce(function (t, p) { return t + x[p]; }, 0) / ps.length : 0;
        }
        return centre(a) - centre(b) || (a < b ? -1 : 1);
      });
      width = Math.max(width, level.length);
    });
    // A crowded level is spread over a few staggered rows so that names stay readable.
    var y = {}, top = 0;
    levels.forEach(function (level) {
      var rowsInLevel = Math.ceil(level.length / 12);
      level.forEach(function (n, i) {
        x[n] = (i + 0.5) * width / level.length;
        y[n] = top - (i % rowsInLevel) * 0.4;
      });
      top -= 1 + (rowsInLevel - 1) * 0.4;
    });
    var name = shortener(nodes.concat((spec.people || []).map(function (p) { return p[spec.person]; })));
    var edgeX = [], edgeY = [];
    Object.keys(weight).forEach(function (key) {
      var pair = JSON.parse(key);
      edgeX.push(x[pair[0]], x[pair[1]], null);
      edgeY.push(y[pair[0]], y[pair[1]], null);
    });
    var detached = (spec.people || []).filter(function (p) { return p[spec.detached] && !(p[spec.person] in parents); })
      .map(function (p) { return p[spec.person]; });
    var data = [
      { type: "scatter", mode: "lines", x: edgeX, y: edgeY, hoverinfo: "skip", line: { color: "#b8c2d3", width: 1 }, name: "reviews", showlegend: false },
      { type: "scatter", mode: "markers+text", name: "reviewed or reviewing", x: nodes.map(function (n) { return x[n]; }),
        y: nodes.map(function (n) { return y[n]; }), text: nodes.map(function (n) { return esc(name(n)); }), cliponaxis: false,
        customdata: nodes.map(function (n) { return esc(n); }), hovertemplate: "%{customdata}<extra></extra>",
        textposition: "bottom center", textfont: { size: 10 }, marker: { size: 12, color: "#2f6fde" } }
    ];
    if (detached.length) {
      data.push({ type: "scatter", mode: "markers+text", name: "nobody reviews (detached)",
        x: detached.map(function () { return width + 1; }), y: detached.map(function (_, i) { return -i * 0.6; }),
        text: detached.map(function (n) { return esc(name(n)); }), customdata: detached.map(function (n) { return esc(n); }), cliponaxis: false,
        hovertemplate: "%{customdata}: nobody reviews this work<extra></extra>", textposition: "middle right",
        textfont: { size: 10, color: "#c2182b" }, marker: { size: 13, color: "#c2182b", symbol: "diamond" } });
    }
    return {
      data: data,
      layout: { showlegend: true, height: Math.max(380, 110 * (1 - top), 40 * detached.length),
        xaxis: { visible: false, range: [-0.5, width + (detached.length ? 4 : 0.5)] },
        yaxis: { visible: false }, hovermode: "closest" }
    };
  }

  // Plotly's error bars of an interval around each row's estimate (none where a bound is missing).
  function intervalBars(rows, estimate, low, high) {
    return {
      array: rows.map(function (r) { return r[high] == null || r[estimate] == null ? 0 : r[high] - r[estimate]; }),
      arrayminus: rows.map(function (r) { return r[low] == null || r[estimate] == null ? 0 : r[estimate] - r[low]; })
    };
  }

  function interval(rows, spec) {
    var categories = labels(rows, spec.category);
    function series(parts, name, color, offset) {
      return {
        type: "scatter", mode: "markers", name: esc(name), y: categories, x: rows.map(function (r) { return r[parts.estimate]; }),
        marker: { color: color, size: 9, symbol: offset ? "diamond-open" : "circle" },
        error_x: Object.assign({ type: "data", symmetric: false, color: color, thickness: 1.5 },
          intervalBars(rows, parts.estimate, parts.low, parts.high))
      };
    }
    var data = [series(spec, spec.label || "estimate", "#2f6fde", false)];
    if (spec.compare) data.push(series(spec.compare, spec.compare.label || "comparison", "#e07b39", true));
    return {
      data: data,
      layout: { showlegend: data.length > 1, height: Math.max(320, 24 * categories.length + 120),
        xaxis: { title: { text: esc(spec.xTitle || "") }, tickformat: spec.percent ? ".0%" : undefined, zeroline: true },
        yaxis: { automargin: true, autorange: "reversed", type: "category" } }
    };
  }

  function scatter(rows, spec) {
    var groups = spec.group ? unique(rows.map(function (r) { return r[spec.group]; })) : [null];
    return {
      data: groups.map(function (group, index) {
        var members = rows.filter(function (r) { return !spec.group || r[spec.group] === group; });
        var trace = { type: "scatter", mode: "markers", name: spec.group ? shown(spec.group, group) : "",
          x: members.map(function (r) { return r[spec.x]; }), y: members.map(function (r) { return r[spec.y]; }),
          text: members.map(function (r) { return spec.label ? shown(spec.label, r[spec.label]) : ""; }),
          hovertemplate: "%{text}<br>%{x}, %{y}<extra></extra>", marker: { size: 9, color: COLORS[index % COLORS.length], opacity: 0.8 } };
        if (spec.yLow && spec.yHigh) {
          trace.error_y = Object.assign({ type: "data", symmetric: false, color: COLORS[index % COLORS.length], thickness: 1 },
            intervalBars(members, spec.y, spec.yLow, spec.yHigh));
        }
        return trace;
      }),
      layout: { showlegend: groups.length > 1, xaxis: { title: { text: esc(spec.xTitle || "") }, rangemode: "tozero" },
        yaxis: { title: { text: esc(spec.yTitle || "") }, tickformat: spec.percent ? ".0%" : undefined } }
    };
  }

  function box(rows, spec) {
    return {
      data: Object.keys(spec.y).map(function (column, index) {
        return { type: "box", name: esc(spec.y[column]), x: rows.map(function (r) { return shown(spec.group, r[spec.group]); }),
          y: rows.map(function (r) { return r[column]; }), marker: { color: COLORS[index % COLORS.length] }, boxpoints: false };
      }),
      layout: { boxmode: "group", yaxis: { title: { text: esc(spec.yTitle || "") }, type: spec.log ? "log" : "linear" } }
    };
  }

  var BUILDERS = {
    bar: function (rows, spec) { return xy(rows, spec, "bar"); },
    line: function (rows, spec) { return xy(rows, spec, "line"); },
    heatmap: heatmap, calendar: calendar, sankey: sankey, hierarchy: hierarchy,
    interval: interval, scatter: scatter, box: box
  };

  // The columns a chart draws its values from: rows without any are nothing to draw (say, no
  // confidence recorded), which reads better as a note than as an empty pair of axes.
  function valueColumns(spec) {
    switch (spec.kind) {
      case "bar": case "line": case "box": return spec.ratio ? [spec.ratio[0]] : Object.keys(spec.y || { value: "" });
      case "heatmap": return [spec.z];
      case "interval": return [spec.estimate];
      case "calendar": case "sankey": return [spec.value];
      default: return null;
    }
  }
  function hasValues(rows, spec) {
    if (spec.kind === "scatter") return rows.some(function (r) { return r[spec.x] != null && r[spec.y] != null; });
    var columns = valueColumns(spec);
    return !columns || rows.some(function (r) { return columns.some(function (c) { return r[c] != null; }); });
  }

  function nothingToShow(message) {
    return {
      data: [],
      layout: { xaxis: { visible: false }, yaxis: { visible: false }, height: 200,
        annotations: [{ text: message, showarrow: false, xref: "paper", yref: "paper", x: 0.5, y: 0.5, font: { size: 15, color: "#5b6577" } }] }
    };
  }

  // A chart's rows come one list per column (lib/site/charts.py, columnar); a column of few
  // distinct texts as {values, codes}: its distinct values and each row's index into them.
  function columnValues(column) {
    if (Array.isArray(column)) return column;
    return column.codes.map(function (code) { return column.values[code]; });
  }

  function rowsOf(columns) {
    var names = Object.keys(columns);
    var lists = names.map(function (name) { return columnValues(columns[name]); });
    var count = names.length ? lists[0].length : 0;
    var rows = new Array(count);
    for (var i = 0; i < count; i++) {
      var row = {};
      for (var c = 0; c < names.length; c++) row[names[c]] = lists[c][i];
      rows[i] = row;
    }
    return rows;
  }

  var charts = [];
  document.querySelectorAll("script[type='application/json'][data-chart]").forEach(function (node) {
    var figure = document.getElementById(node.getAttribute("data-chart"));
    var spec = JSON.parse(node.textContent);
    spec.rows = rowsOf(spec.columns);
    // Figures the page family shares (assets/shared.js), by the shared query's key.
    if (spec.shared && window.annolyticsSharedRows) spec.rows = window.annolyticsSharedRows(spec.shared, spec.rows);
    charts.push({ spec: spec, figure: figure, target: figure.querySelector("[data-chart-target]") });
  });

  function draw(chart) {
    var rows = chart.spec.rows.filter(function (row) { return A.passes(row); });
    var nothingRecorded = rows.length > 0 && !hasValues(rows, chart.spec);
    var figure = !rows.length ? nothingToShow("No data for this selection")
      : nothingRecorded ? nothingToShow("No data: nothing recorded for this figure")
      : BUILDERS[chart.spec.kind](rows, chart.spec);
    var layout = Object.assign({ autosize: true, height: 360, margin: { t: 40, r: 16, b: 48, l: 56 },
      font: { family: "system-ui, sans-serif", size: 12 }, legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", traceorder: "normal" } }, figure.layout);
    chart.figure.setAttribute("data-points", String(rows.length));
    chart.figure.setAttribute("data-empty", String(!rows.length || nothingRecorded));
    return Plotly.react(chart.target, figure.data, layout, { displaylogo: false, responsive: true })
      .then(function () { chart.figure.setAttribute("data-rendered", "true"); });
  }

  document.addEventListener("annolytics:filter", function () { charts.forEach(draw); });
})();
