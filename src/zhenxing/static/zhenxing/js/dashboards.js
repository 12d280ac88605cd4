/* The dashboard's charts (ECharts, Chinese locale), drawn from the page's JSON data block — the same payload the
   table view and the .xlsx read. Under the site's Content-Security-Policy (style-src 'self'): ECharts' HTML
   tooltip writes markup with style="" through innerHTML, which the policy blocks, so tooltips are drawn on the
   canvas (renderMode 'richText'); sizes are set through the CSSOM (element.style), which the policy allows.

   By place: horizontal bars, one row per child place, the chart growing with its rows, so that 12 counties or a
   township's 30 villages stay readable on a phone and on a meeting-room screen. Clicking a bar opens the list of
   records behind that number; clicking a place's name (a county or township) opens that place's dashboard.
   Over time (a figure kept month by month): a line of the place's total. */
(function () {
  "use strict";

  var COLOURS = ["#1a56db", "#c05621", "#0b6e4f", "#7e3af2", "#b8322a", "#52606d", "#0e7490", "#a16207"];
  var charts = [];

  function wide() { return window.innerWidth >= 1600; }
  function narrow() { return window.innerWidth < 640; }
  function fontSize() { return wide() ? 16 : 13; }

  function shortName(name) {
    // the chart's row labels, short enough for a phone (the table keeps the full names):
    // 巍山彝族回族自治县 → 巍山县, 西山村委会 → 西山村, 南涧社区居民委员会 → 南涧社区
    return name
      .replace(/^(.{2,3}?)(?:[\u4e00-\u9fa5]{1,3}族)+自治县$/, "$1县")
      .replace(/(村民委员会|村委会)$/, "村")
      .replace(/(社区)?(居民委员会|居委会)$/, "社区");
  }

  function legendHeight(names, size, width) {
    // a legend that wraps on a narrow chart: its lines, estimated from the labels' widths
    var line = 0;
    var lines = 1;
    names.forEach(function (n) {
      var w = n.length * size + 34;
      if (line + w > width && line > 0) { lines += 1; line = 0; }
      line += w;
    });
    return lines * (size + 12);
  }

  function empty(values) {
    return values.every(function (v) { return v === null || v === 0; });
  }

  function noData(size) {
    return {type: "text", left: "center", top: "middle", silent: true,
      style: {text: "暂无数据", fontSize: size + 1, fill: "#616e7c"}};
  }

  function measureIndexes(payload) {
    // the measures drawn as bars (a stack's total is in the table, not a bar of its own)
    var drawn = [];
    payload.measures.forEach(function (m, i) { if (m.drawn) { drawn.push(i); } });
    return drawn;
  }

  function unitsOf(payload, indexes) {
    // the distinct units of the drawn measures: counts and a rate (户 and %) get an axis each
    var units = [];
    indexes.forEach(function (i) {
      var u = payload.measures[i].unit;
      if (units.indexOf(u) < 0) { units.push(u); }
    });
    return units.slice(0, 2);
  }

  function axisOf(payload, units, i) {
    return Math.max(0, units.indexOf(payload.measures[i].unit));
  }

  function placeRows(payload) {
    // a county-level figure read at a county has no rows below it: its own total is the bar
    return payload.rows.length ? payload.rows : [payload.total];
  }

  function tooltip(size, trigger) {
    return {
      trigger: "axis", axisPointer: {type: trigger}, renderMode: "richText", confine: true,
      textStyle: {fontSize: size}, backgroundColor: "#ffffff", borderColor: "#9aa5b1",
    };
  }

  function legend(size, names) {
    return {type: "plain", top: 0, left: 0, right: 0, data: names, textStyle: {fontSize: size},
      itemWidth: 16, itemHeight: 12, itemGap: 12};
  }

  function valueAxes(payload, units, size, horizontal) {
    // one value axis per unit: a second (a rate's %) on the other side
    return units.map(function (unit, n) {
      return {type: "value", name: unit, position: horizontal ? (n ? "top" : "bottom") : (n ? "right" : "left"),
        nameTextStyle: {fontSize: size - 1}, axisLabel: {fontSize: size - 1, hideOverlap: true},
        splitLine: {show: n === 0}, minInterval: unit === "%" ? 0 : 1};
    });
  }

  function placeOption(payload, indexes, width) {
    var size = fontSize();
    var rows = placeRows(payload);
    var stacked = payload.chart === "stack";
    var units = unitsOf(payload, indexes);
    var names = indexes.map(function (i) { return payload.measures[i].label; });
    var perRow = stacked || indexes.length === 1 ? (wide() ? 30 : 24) : Math.max(24, indexes.length * (wide() ? 12 : 9) + 8);
    var top = (indexes.length > 1 ? legendHeight(names, size, width) : 0) + (units.length > 1 ? 36 : 8);
    var values = [];
    indexes.forEach(function (i) { rows.forEach(function (r) { values.push(r.values[i]); }); });
    return {
      height: Math.max(rows.length * perRow + top + 40, 200),
      option: {
        color: COLOURS,
        animation: false,
        textStyle: {fontSize: size},
        grid: {left: 8, right: 28, top: top, bottom: 8, containLabel: true},
        legend: indexes.length > 1 ? legend(size, names) : undefined,
        tooltip: tooltip(size, "shadow"),
        graphic: empty(values) ? [noData(size)] : [],
        xAxis: valueAxes(payload, units, size, true),
        yAxis: {
          type: "category", inverse: true, triggerEvent: true,
          data: rows.map(function (r) { return shortName(r.name); }),
          axisLabel: {fontSize: size, interval: 0, color: "#1f2933"},
        },
        series: indexes.map(function (i) {
          return {
            type: "bar", name: payload.measures[i].label, stack: stacked ? "all" : undefined,
            xAxisIndex: axisOf(payload, units, i),
            barMaxWidth: wide() ? 26 : 20, cursor: "pointer", emphasis: {focus: "series"},
            data: rows.map(function (r) { return r.values[i]; }),
            measure: i,
          };
        }),
      },
    };
  }

  function timeIndexes(payload, indexes) {
    // a stack's parts over time read as one total line; side-by-side measures each keep their line
    var total = payload.measures.findIndex(function (m) { return m.key === "total"; });
    return payload.chart === "stack" && total >= 0 ? [total] : indexes;
  }

  function timeOption(payload, indexes, width) {
    var size = fontSize();
    var lines = timeIndexes(payload, indexes);
    var units = unitsOf(payload, lines);
    var names = lines.map(function (i) { return payload.measures[i].label; });
    var legendSpace = lines.length > 1 ? legendHeight(names, size, width) : 0;
    var values = [];
    lines.forEach(function (i) { payload.over_time.forEach(function (p) { values.push(p.values[i]); }); });
    return {
      height: (wide() ? 300 : 240) + legendSpace,
      option: {
        color: COLOURS,
        animation: false,
        textStyle: {fontSize: size},
        grid: {left: 28, right: units.length > 1 ? 28 : 24, top: legendSpace + 32, bottom: 8, containLabel: true},
        legend: lines.length > 1 ? legend(size, names) : undefined,
        tooltip: tooltip(size, "line"),
        graphic: empty(values) ? [noData(size)] : [],
        xAxis: {type: "category", boundaryGap: false, data: payload.over_time.map(function (p) { return p.period; }),
          // the first and last months inside the chart, not cut at its edges
          axisLabel: {fontSize: size - 1, hideOverlap: true, alignMinLabel: "left", alignMaxLabel: "right"}},
        yAxis: valueAxes(payload, units, size, false),
        series: lines.map(function (i) {
          return {
            type: "line", name: payload.measures[i].label, symbolSize: wide() ? 8 : 6, cursor: "pointer",
            yAxisIndex: axisOf(payload, units, i), lineStyle: {width: wide() ? 3 : 2},
            data: payload.over_time.map(function (p) { return p.values[i]; }),
            measure: i,
          };
        }),
      },
    };
  }

  function go(url) { if (url) { window.location.assign(url); } }

  function draw(element, payload, data) {
    var indexes = measureIndexes(payload);
    var kind = element.getAttribute("data-kind");
    var build = kind === "time" ? timeOption : placeOption;
    var built = build(payload, indexes, element.clientWidth || 320);
    element.style.height = built.height + "px";  // CSSOM: allowed under style-src 'self'
    var chart = echarts.init(element, null, {locale: "ZH", renderer: "canvas"});
    chart.setOption(built.option);
    chart.on("click", function (params) {
      if (params.componentType === "yAxis") {
        if (!data.drill_places) { return; }
        var row = payload.rows.find(function (r) { return shortName(r.name) === params.value; });
        if (row) { go(data.home + "?place=" + encodeURIComponent(row.code)); }
        return;
      }
      if (params.componentType !== "series") { return; }
      var series = c.option.series[params.seriesIndex];
      var item = kind === "time" ? payload.over_time[params.dataIndex] : placeRows(payload)[params.dataIndex];
      if (item && item.values[series.measure] !== null) { go(item.links[series.measure]); }
    });
    var c = {chart: chart, element: element, payload: payload, build: build, indexes: indexes, option: built.option};
    charts.push(c);
  }

  function redraw() {
    charts.forEach(function (c) {
      var built = c.build(c.payload, c.indexes, c.element.clientWidth || 320);
      c.element.style.height = built.height + "px";
      c.option = built.option;
      c.chart.setOption(built.option, true);
      c.chart.resize();
    });
  }

  function start() {
    var block = document.getElementById("dashboard-data");
    if (!block || typeof echarts === "undefined") { return; }
    var data = JSON.parse(block.textContent);
    var byKey = {};
    data.figures.forEach(function (p) { byKey[p.key] = p; });
    document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      var payload = byKey[element.getAttribute("data-figure")];
      if (payload) { draw(element, payload, data); }
    });
    // redrawn at the next frame (not after a delay): a turned phone or a window moved to the meeting-room screen
    // shows charts of the new width at once, at most once a frame while a window is being dragged
    var pending = null;
    window.addEventListener("resize", function () {
      window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(redraw);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
