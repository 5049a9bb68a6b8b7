// The page's behaviour without a server: the status banner, the project and date filters (kept
// in the address's #fragment so they follow the reader from page to page), table sorting and
// the headline figures. Text from the data is only ever set with textContent.
(function () {
  "use strict";

  var site = JSON.parse(document.getElementById("site-data").textContent);
  // The night's facts live in assets/night.js, not in the page (see night.py): a page that
  // shows only its own data stays the same file from night to night.
  var night = window.annolyticsNight || {};
  site.firstDay = night.firstDay || null;
  site.lastDay = night.dataThrough || null;
  var state = { project: "", from: "", to: "" };
  var projectNames = {};
  site.projects.forEach(function (project) { projectNames[project.key] = project.name; });

  function addDays(isoDay, days) {
    var date = new Date(isoDay.slice(0, 10) + "T00:00:00Z");
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
  }

  // A row follows the filters through its project_key, day and week columns; a row without
  // them (a whole-period figure, a person-wide alert) is always shown.
  function passes(row, ignoreDates) {
    if (state.project && row.project_key != null && row.project_key !== state.project) return false;
    if (ignoreDates) return true;
    if (row.day != null) {
      var day = String(row.day).slice(0, 10);
      if (state.from && day < state.from) return false;
      if (state.to && day > state.to) return false;
    }
    if (row.week != null) {
      var monday = String(row.week).slice(0, 10);
      if (state.from && addDays(monday, 6) < state.from) return false;
      if (state.to && monday > state.to) return false;
    }
    return true;
  }

  window.Annolytics = {
    state: state,
    site: site,
    passes: passes,
    addDays: addDays,
    projectName: function (key) { return key == null ? "all projects" : (projectNames[key] || key); }
  };

  function showStatus() {
    var status = window.annolyticsStatus;
    var banner = document.getElementById("status-banner");
    if (!status || status.state !== "failed" || !banner) return;
    var shown = status.published_at ? "the report built " + status.published_at.replace("T", " ") + " UTC"
      : "no report yet";
    banner.textContent = "The nightly run of " + status.failed_at.replace("T", " ") +
      " UTC failed, so this report was not updated: " + status.reason + ". You are reading " + shown + ".";
    banner.hidden = false;
  }

  function showNight() {
    var shown = {
      builtAt: night.builtAt ? night.builtAt.replace("T", " ").slice(0, 16) : "",
      dataThrough: night.dataThrough,
      snapshotOf: night.snapshotOf
    };
    document.querySelectorAll("[data-night]").forEach(function (node) {
      var value = shown[node.getAttribute("data-night")];
      if (value) node.textContent = value;
    });
    var note = document.getElementById("snapshot-note");
    if (note && night.snapshotOf) {
      // A dated copy lives in nights/<date>/ of the live site; the live page has no such link.
      note.querySelector("a[data-latest-report]").setAttribute("href", "../../index.html");
      note.hidden = false;
    }
    document.querySelectorAll("#filters input[type='date']").forEach(function (input) {
      if (site.firstDay) input.min = site.firstDay;
      if (site.lastDay) input.max = site.lastDay;
    });
  }

  // ---- filters ------------------------------------------------------------------------------
  var form = document.getElementById("filters");

  function readHash() {
    var params = new URLSearchParams(location.hash.slice(1));
    state.project = params.get("project") || "";
    state.from = params.get("from") || "";
    state.to = params.get("to") || "";
    if (state.project && !(state.project in projectNames)) state.project = "";
  }

  function fragment() {
    var params = new URLSearchParams();
    if (state.project) params.set("project", state.project);
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    return params.toString();
  }

  // Carry the filters to the other pages of the site (relative links to .html files).
  function carryToLinks() {
    var hash = fragment();
    document.querySelectorAll("a[href]").forEach(function (link) {
      var base = link.getAttribute("data-base-href");
      if (base === null) {
        base = link.getAttribute("href");
        if (!/^[^:#?]+\.html$/.test(base)) return;
        link.setAttribute("data-base-href", base);
      }
      link.setAttribute("href", hash ? base + "#" + hash : base);
    });
  }

  // Long tables show their first rows and a button for the rest (of those that pass the filters).
  var PAGE_ROWS = 25;

  function applyTable(table) {
    var matching = 0;
    var limit = table.getAttribute("data-expanded") ? Infinity : PAGE_ROWS;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      var visible = passes({
        project_key: tr.getAttribute("data-project-key"),
        day: tr.getAttribute("data-day"),
        week: tr.getAttribute("data-week")
      });
      if (visible) matching += 1;
      tr.hidden = !visible || matching > limit;
    });
    table.setAttribute("data-matching", String(matching));
    var note = table.parentNode.querySelector(".filtered-out");
    if (note) note.hidden = matching > 0;
    var more = table.parentNode.querySelector("button.more-rows");
    if (matching > PAGE_ROWS && !table.getAttribute("data-expanded")) {
      if (!more) {
        more = document.createElement("button");
        more.type = "button";
        more.className = "more-rows";
        more.addEventListener("click", function () {
          table.setAttribute("data-expanded", "true");
          applyTable(table);
        });
        table.parentNode.appendChild(more);
      }
      more.textContent = "Show all " + matching + " rows";
      more.hidden = false;
    } else if (more) {
      more.hidden = true;
    }
  }

  function applyTables() {
    document.querySelectorAll("table[data-filterable]").forEach(applyTable);
  }

  function summarise() {
    var parts = [];
    if (state.project) parts.push(window.Annolytics.projectName(state.project));
    if (state.from || state.to) parts.push((state.from || site.firstDay) + " to " + (state.to || site.lastDay));
    document.getElementById("filter-summary").textContent = parts.length ? "Showing " + parts.join(", ") : "";
  }

  function apply(fromForm) {
    if (fromForm) {
      state.project = form.elements.project.value;
      state.from = form.elements.from.value;
      state.to = form.elements.to.value;
      var hash = fragment();
      // location.replace works from file:// too, where history.replaceState may not.
      location.replace("#" + hash);
    } else {
      form.elements.project.value = state.project;
      form.elements.from.value = state.from;
      form.elements.to.value = state.to;
    }
    applyTables();
    applyKpis();
    carryToLinks();
    summarise();
    document.dispatchEvent(new CustomEvent("annolytics:filter"));
  }

  // ---- sorting ------------------------------------------------------------------------------
  function sortable(table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.tabIndex = 0;
      th.addEventListener("click", function () {
        var numeric = th.getAttribute("data-sort") !== "text" && th.getAttribute("data-sort") !== "person" &&
          th.getAttribute("data-sort") !== "project" && th.getAttribute("data-sort") !== "date";
        var descending = th.getAttribute("aria-sort") !== "descending";
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(tr) {
          var cell = tr.cells[index];
          var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
          if (!numeric) return raw.toLowerCase();
          return raw === "" ? -Infinity : Number(raw);
        }
        rows.sort(function (a, b) {
          var ka = key(a), kb = key(b);
          var order = ka < kb ? -1 : ka > kb ? 1 : 0;
          return descending ? -order : order;
        });
        rows.forEach(function (tr) { body.appendChild(tr); });
        applyTable(table);
      });
    });
  }

  // ---- headline figures ---------------------------------------------------------------------
  // Each figure sums its rows (amount, and base for a ratio) over the last complete week
  // (Monday to Sunday) up to the end of the date filter, against the week before.
  var kpiBlocks = [];

  function weekEndingOn(sunday) {
    return { start: addDays(sunday, -6), end: sunday, previousStart: addDays(sunday, -13), previousEnd: addDays(sunday, -7) };
  }
  function sundayOnOrBefore(day) {
    var weekday = new Date(day + "T00:00:00Z").getUTCDay(); // 0 = Sunday
    return addDays(day, weekday === 0 ? 0 : -weekday);
  }

  // The last complete week up to the end of the date filter; when it holds no data (a one-day
  // study, a study that ended weeks ago), the latest week that does, said so in the heading.
  function weekWindow(rows) {
    var end = state.to || site.lastDay;
    if (!end) return null;
    var window_ = weekEndingOn(sundayOnOrBefore(end));
    var latest = null, inWindow = false;
    rows.forEach(function (row) {
      var day = String(row.day).slice(0, 10);
      if (day > end || !passes(row, true)) return;
      if (day >= window_.start && day <= window_.end) inWindow = true;
      if (latest === null || day > latest) latest = day;
    });
    window_.heading = "Week of " + window_.start + " against the week of " + window_.previousStart;
    if (inWindow || latest === null) return window_;
    var last = window_;
    var before = sundayOnOrBefore(latest);
    window_ = weekEndingOn(before === latest ? latest : addDays(before, 7)); // the week holding it
    window_.fallback = true;
    window_.heading = "No data in the last complete week (" + last.start + " to " + last.end +
      "); showing the latest week with data, " + window_.start + " to " + (window_.end > end ? end + " (incomplete)" : window_.end) +
      ", against the week of " + window_.previousStart;
    if (window_.end > end) window_.end = end;
    return window_;
  }

  function formatKpi(value, format) {
    if (value == null || isNaN(value)) return "–";
    if (format === "pct") return (value * 100).toFixed(1) + " %";
    if (format === "money") return value.toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    if (format === "seconds") return value < 120 ? value.toFixed(0) + " s" : (value / 60).toFixed(1) + " min";
    return Math.round(value).toLocaleString("en");
  }

  function kpiValue(rows, key, from, to) {
    var amount = 0, base = 0, ratio = false, seen = false;
    rows.forEach(function (row) {
      var day = String(row.day).slice(0, 10);
      if (row.kpi !== key || day < from || day > to || !passes(row, true)) return;
      seen = true;
      amount += row.amount || 0;
      if (row.base != null) { ratio = true; base += row.base; }
    });
    if (!seen) return null;
    return ratio ? (base ? amount / base : null) : amount;
  }

  function applyKpis() {
    kpiBlocks.forEach(function (block) {
      var spec = block.spec;
      var window_ = weekWindow(spec.rows);
      block.node.textContent = "";
      if (!window_) return;
      var heading = document.createElement("p");
      heading.className = "kpi-window" + (window_.fallback ? " kpi-fallback" : "");
      heading.textContent = window_.heading;
      block.node.appendChild(heading);
      spec.kpis.forEach(function (kpi) {
        var now = kpiValue(spec.rows, kpi.key, window_.start, window_.end);
        var before = kpiValue(spec.rows, kpi.key, window_.previousStart, window_.previousEnd);
        var card = document.createElement("div");
        card.className = "kpi";
        card.setAttribute("data-kpi", kpi.key);
        var label = document.createElement("div");
        label.className = "kpi-label";
        label.textContent = kpi.label;
        var value = document.createElement("div");
        value.className = "kpi-value";
        value.textContent = formatKpi(now, kpi.format);
        var change = document.createElement("div");
        change.className = "kpi-change";
        if (now != null && before != null && (kpi.format === "pct" || before !== 0)) {
          var delta = now - before;
          var text = kpi.format === "pct" ? (delta * 100).toFixed(1) + " pts" : Math.round(delta / before * 100) + " %";
          change.textContent = (delta > 0 ? "▲ +" : delta < 0 ? "▼ " : "± ") + text + " week over week";
          if (delta !== 0) change.classList.add((delta > 0) === (kpi.better === "up") ? "good" : "bad");
        } else {
          change.textContent = "no earlier week to compare";
        }
        card.appendChild(label);
        card.appendChild(value);
        card.appendChild(change);
        block.node.appendChild(card);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showStatus();
    showNight();
    document.querySelectorAll("script[type='application/json'][data-kpis]").forEach(function (node) {
      kpiBlocks.push({ node: document.getElementById(node.getAttribute("data-kpis")), spec: JSON.parse(node.textContent) });
    });
    document.querySelectorAll("table[data-filterable]").forEach(sortable);
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    window.addEventListener("hashchange", function () {
      if (location.hash.slice(1) === fragment()) return; // our own change, already applied
      readHash();
      apply(false);
    });
    readHash();
    apply(false);
  });
})();
