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

  function measureIndexes(payload) {
    // the measures drawn as bars (a stack's total is in the table, not a bar of its own)
    var drawn = [];
    payload.measures.forEach(function (m, i) { if (m.drawn) { drawn.push(i); } });
    return drawn;
  }

  function unitOf(payload, indexes) {
    var units = indexes.map(function (i) { return payload.measures[i].unit; });
    return units.every(function (u) { return u === units[0]; }) ? units[0] : "";
  }

  function placeRows(payload) {
    // a county-level figure read at a county has no rows below it: its own total is the bar
    return payload.rows.length ? payload.rows : [payload.total];
  }

  function tooltip(size) {
    return {
      trigger: "axis", axisPointer: {type: "shadow"}, renderMode: "richText", confine: true,
      textStyle: {fontSize: size}, backgroundColor: "#ffffff", borderColor: "#9aa5b1",
    };
  }

  function legend(size, names) {
    return {type: "scroll", top: 0, left: 0, right: 0, data: names, textStyle: {fontSize: size},
      itemWidth: 16, itemHeight: 12, pageIconSize: 14};
  }

  function placeOption(payload, indexes) {
    var size = fontSize();
    var rows = placeRows(payload);
    var stacked = payload.chart === "stack";
    var perRow = stacked || indexes.length === 1 ? (wide() ? 30 : 24) : Math.max(24, indexes.length * 12 + 8);
    var legendRows = indexes.length > 1 ? 1 : 0;
    var height = rows.length * perRow + 70 + legendRows * 30;
    return {
      height: Math.max(height, 200),
      option: {
        color: COLOURS,
        animation: false,
        textStyle: {fontSize: size},
        grid: {left: 8, right: 28, top: legendRows ? 40 : 12, bottom: 8, containLabel: true},
        legend: legendRows ? legend(size, indexes.map(function (i) { return payload.measures[i].label; })) : undefined,
        tooltip: tooltip(size),
        xAxis: {type: "value", name: unitOf(payload, indexes), nameTextStyle: {fontSize: size - 1},
          axisLabel: {fontSize: size - 1, hideOverlap: true}, minInterval: 1},
        yAxis: {
          type: "category", inverse: true, triggerEvent: true,
          data: rows.map(function (r) { return r.name; }),
          axisLabel: {fontSize: size, interval: 0, width: narrow() ? 88 : 150, overflow: "truncate", color: "#1f2933"},
        },
        series: indexes.map(function (i) {
          return {
            type: "bar", name: payload.measures[i].label, stack: stacked ? "all" : undefined,
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

  function timeOption(payload, indexes) {
    var size = fontSize();
    var lines = timeIndexes(payload, indexes);
    return {
      height: wide() ? 300 : 240,
      option: {
        color: COLOURS,
        animation: false,
        textStyle: {fontSize: size},
        grid: {left: 8, right: 24, top: lines.length > 1 ? 40 : 28, bottom: 8, containLabel: true},
        legend: lines.length > 1 ? legend(size, lines.map(function (i) { return payload.measures[i].label; })) : undefined,
        tooltip: {trigger: "axis", renderMode: "richText", confine: true, textStyle: {fontSize: size},
          backgroundColor: "#ffffff", borderColor: "#9aa5b1"},
        xAxis: {type: "category", boundaryGap: false, data: payload.over_time.map(function (p) { return p.period; }),
          axisLabel: {fontSize: size - 1, hideOverlap: true}},
        yAxis: {type: "value", name: unitOf(payload, lines), nameTextStyle: {fontSize: size - 1},
          axisLabel: {fontSize: size - 1}, minInterval: 1},
        series: lines.map(function (i) {
          return {
            type: "line", name: payload.measures[i].label, symbolSize: wide() ? 8 : 6, cursor: "pointer",
            lineStyle: {width: wide() ? 3 : 2},
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
    var built = build(payload, indexes);
    element.style.height = built.height + "px";  // CSSOM: allowed under style-src 'self'
    var chart = echarts.init(element, null, {locale: "ZH", renderer: "canvas"});
    chart.setOption(built.option);
    chart.on("click", function (params) {
      if (params.componentType === "yAxis") {
        if (!data.drill_places) { return; }
        var row = payload.rows.find(function (r) { return r.name === params.value; });
        if (row) { go(data.home + "?place=" + encodeURIComponent(row.code)); }
        return;
      }
      if (params.componentType !== "series") { return; }
      var series = built.option.series[params.seriesIndex];
      var item = kind === "time" ? payload.over_time[params.dataIndex] : placeRows(payload)[params.dataIndex];
      if (item && item.values[series.measure] !== null) { go(item.links[series.measure]); }
    });
    charts.push({chart: chart, element: element, payload: payload, build: build, indexes: indexes});
  }

  function redraw() {
    charts.forEach(function (c) {
      var built = c.build(c.payload, c.indexes);
      c.element.style.height = built.height + "px";
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
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(redraw, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
