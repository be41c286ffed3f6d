// memvisor's chart glue over uPlot: draws a chart spec made by dev.memvisor.report.{TimeChart,BarChart}.
"use strict";
var MEMVISOR_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
// round steps for an elapsed-time axis, in seconds
var MEMVISOR_DURATION_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

function memvisorDuration(s) {
  if (s == null) return "";
  var neg = s < 0; s = Math.abs(Math.round(s));
  var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  return (neg ? "-" : "") + (h > 0 ? h + ":" + pad(m) + ":" + pad(sec) : m + ":" + pad(sec));
}

function memvisorNumber(v) {
  if (v == null) return "–";
  var a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function memvisorChart(el, spec) {
  var width = Math.min(860, el.parentElement.clientWidth || 860);
  if (spec.kind === "bar") { el.classList.add("bars"); return memvisorBars(el, spec, width); }
  var elapsed = spec.axis === "elapsed";
  var series = [{
    label: elapsed ? "elapsed" : "time (UTC)",
    value: function (u, v) { return v == null ? "" : elapsed ? memvisorDuration(v) : new Date(v * 1000).toISOString().replace(".000Z", "Z"); }
  }];
  var data = [spec.x];
  spec.series.forEach(function (s, i) {
    series.push({label: s.name, stroke: MEMVISOR_COLORS[i % MEMVISOR_COLORS.length], width: 1.5,
      value: function (u, v) { return v == null ? "–" : memvisorNumber(v) + " " + spec.unit; }});
    data.push(s.values);
  });
  var plugins = [];
  if (spec.bands) plugins.push(memvisorBands(spec));
  var opts = {
    title: spec.title, width: width, height: 280, plugins: plugins, series: series,
    scales: {x: {time: !elapsed}, y: {range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.05 : 1]; }}},
    axes: [
      elapsed ? {incrs: MEMVISOR_DURATION_INCRS, values: function (u, splits) { return splits.map(memvisorDuration); },
                 label: "elapsed (h:mm:ss)", labelSize: 20}
              : {label: "UTC", labelSize: 20},
      {label: spec.unit, labelSize: 20, size: 60}
    ]
  };
  if (!elapsed) opts.tzDate = function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); };
  return new uPlot(opts, data, el);
}

// background bands: each run of samples in one state k > 0 is shaded with bandColors[k], under the lines
function memvisorBands(spec) {
  return {hooks: {drawClear: [function (u) {
    var ctx = u.ctx, x = spec.x, b = spec.bands, top = u.bbox.top, h = u.bbox.height;
    ctx.save();
    for (var i = 0; i < b.length;) {
      var k = b[i], j = i;
      while (j + 1 < b.length && b[j + 1] === k) j++;
      if (k) {
        // sample i covers the interval that ends at x[i]
        var x0 = u.valToPos(i === 0 ? x[0] : x[i - 1], "x", true), x1 = u.valToPos(x[j], "x", true);
        ctx.fillStyle = spec.bandColors[Math.min(k, spec.bandColors.length - 1)];
        ctx.fillRect(Math.round(x0), top, Math.max(1, Math.round(x1) - Math.round(x0)), h);
      }
      i = j + 1;
    }
    ctx.restore();
  }]}};
}

// horizontal grouped bars: category c, series j sits at slot c*(n+1)+j; the category's label at its group's centre
function memvisorBars(el, spec, width) {
  var n = spec.series.length, cats = spec.categories, slots = cats.length * (n + 1);
  var x = [];
  for (var i = 0; i < slots; i++) x.push(i);
  var data = [x], series = [{label: "", value: function () { return ""; }}];
  spec.series.forEach(function (s, j) {
    var col = new Array(slots).fill(null);
    cats.forEach(function (c, ci) { col[ci * (n + 1) + j] = s.values[ci]; });
    data.push(col);
    var color = MEMVISOR_COLORS[j % MEMVISOR_COLORS.length];
    series.push({label: s.name, fill: color, stroke: color, width: 0,
      paths: uPlot.paths.bars({size: [0.9, Infinity], align: 0}), points: {show: false},
      value: function (u, v) { return v == null ? "–" : memvisorNumber(v) + " " + spec.unit; }});
  });
  var centers = cats.map(function (c, ci) { return ci * (n + 1) + (n - 1) / 2; });
  var opts = {
    title: spec.title, width: width, height: Math.max(120, 40 + cats.length * (n + 1) * 14), series: series,
    legend: {show: n > 1},
    cursor: {show: false},
    scales: {x: {time: false, ori: 1, dir: -1, range: [-1, slots - 1]},
             y: {ori: 0, range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; }}},
    axes: [
      {side: 3, splits: function () { return centers; }, values: function () { return cats; }, size: 140, gap: 4, grid: {show: false}, ticks: {show: false}},
      {side: 2, label: spec.unit, labelSize: 20}
    ]
  };
  return new uPlot(opts, data, el);
}
