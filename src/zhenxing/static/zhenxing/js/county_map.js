/* The county map (dashboards/map.html): the tiles or the configured boundaries from geometry.json, coloured by
   the chosen measure (the numbers come from the page's json_script block, the same rows as the table below).
   Under the Content-Security-Policy: the tooltip is drawn on the canvas (renderMode "richText"), because
   ECharts' HTML tooltip writes style="" markup that style-src 'self' refuses. */
(function () {
  "use strict";

  // The form's two lists: a measure belongs to one figure, so choosing either keeps the pair consistent.
  function pairSelects() {
    var figure = document.getElementById("map-figure");
    var measure = document.getElementById("map-measure");
    if (!figure || !measure) return;
    measure.addEventListener("change", function () {
      var option = measure.options[measure.selectedIndex];
      if (option && option.dataset.figure) figure.value = option.dataset.figure;
    });
    figure.addEventListener("change", function () {
      var first = Array.prototype.find.call(measure.options, function (o) {
        return o.dataset.figure === figure.value;
      });
      if (first) first.selected = true;
    });
  }

  function formatted(value) {
    return typeof value === "number" ? value.toLocaleString("zh-CN") : "";
  }

  function narrow(el) {
    return el.clientWidth < 600;
  }

  function layout(el, data) {
    var small = narrow(el);
    var size = Math.max(11, Math.min(18, Math.round(el.clientWidth / (data.kind === "tiles" ? 26 : 34))));
    return {
      visualMap: small
        ? { orient: "horizontal", left: "center", bottom: 4, itemWidth: 14, itemHeight: Math.min(220, el.clientWidth - 140) }
        : { orient: "vertical", left: 8, bottom: 12, itemWidth: 18, itemHeight: 180 },
      box: { top: 8, bottom: small ? 56 : 12, left: small ? 4 : 110, right: small ? 4 : 12 },
      fontSize: size,
    };
  }

  function draw(el, data, geojson) {
    var byCode = {};
    data.rows.forEach(function (row) {
      byCode[row.code] = row;
    });
    var values = data.rows
      .filter(function (row) {
        return row.in_scope && typeof row.value === "number";
      })
      .map(function (row) {
        return row.value;
      });
    // from 0 (not the smallest county): a county with few is drawn light, never as "the least" of near-equals
    var min = values.length ? Math.min(0, Math.min.apply(null, values)) : 0;
    var max = values.length ? Math.max.apply(null, values) : 1;
    if (max === min) max = min + 1;
    var unit = data.unit ? " " + data.unit : "";

    echarts.registerMap("dali", geojson);
    var chart = echarts.init(el, null, { locale: "ZH", renderer: "canvas" });
    var place = layout(el, data);
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        textStyle: { fontSize: 14, lineHeight: 20 },
        formatter: function (p) {
          var row = byCode[p.name];
          if (!row) return p.name;
          if (!row.in_scope) return row.name + "\n不在管辖范围";
          if (typeof row.value !== "number") return row.name + "\n无数据";
          return row.name + "\n" + data.label + "：" + formatted(row.value) + unit + "\n点击查看该县图表";
        },
      },
      visualMap: Object.assign(
        {
          type: "continuous",
          show: values.length > 0,
          min: min,
          max: max,
          seriesIndex: 0,
          calculable: false,
          text: [formatted(max) + unit, formatted(min) + unit],
          textStyle: { color: "#1f2933" },
          inRange: { color: ["#dbeafe", "#60a5fa", "#1e3a8a"] },
        },
        place.visualMap
      ),
      series: [
        Object.assign(
          {
            type: "map",
            map: "dali",
            nameProperty: "adcode",
            aspectScale: data.aspect,
            roam: false,
            selectedMode: false,
            label: {
              show: true,
              fontSize: place.fontSize,
              color: "#111827",
              fontWeight: "bold",
              lineHeight: Math.round(place.fontSize * 1.3),
              formatter: function (p) {
                var row = byCode[p.name];
                if (!row) return "";
                if (data.kind === "tiles" && row.in_scope && typeof row.value === "number") {
                  return row.short + "\n" + formatted(row.value);
                }
                return row.short;
              },
            },
            itemStyle: { areaColor: "#d2d6dc", borderColor: "#ffffff", borderWidth: 1.5 },
            emphasis: {
              label: { show: true },
              itemStyle: { areaColor: "#fcd34d", borderColor: "#92400e", borderWidth: 2 },
            },
            data: data.rows.map(function (row) {
              var shown = row.in_scope && typeof row.value === "number";
              if (!shown) return { name: row.code, value: NaN };
              // white names on the darker half of the scale, dark ones on the lighter half
              var dark = (row.value - min) / (max - min) > 0.6;
              return { name: row.code, value: row.value, label: { color: dark ? "#ffffff" : "#111827" } };
            }),
          },
          place.box
        ),
      ],
    });

    chart.on("click", function (p) {
      var row = byCode[p.name];
      if (row && row.url) window.location.assign(row.url);
    });
    window.addEventListener("resize", function () {
      chart.resize();
      var again = layout(el, data);
      chart.setOption({
        visualMap: again.visualMap,
        series: [Object.assign({ label: { fontSize: again.fontSize } }, again.box)],
      });
    });
  }

  function start() {
    pairSelects();
    var el = document.getElementById("county-map");
    var script = document.getElementById("county-map-data");
    if (!el || !script || typeof echarts === "undefined") return;
    var data = JSON.parse(script.textContent);
    fetch(data.geometry_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("geometry " + response.status);
        return response.json();
      })
      .then(function (geojson) {
        draw(el, data, geojson);
        el.dataset.ready = "1";
      })
      .catch(function () {
        el.hidden = true;
        var failed = document.querySelector("[data-testid=county-map-failed]");
        if (failed) failed.hidden = false;
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
