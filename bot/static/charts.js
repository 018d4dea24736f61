/* The charts of 统计 and of the analyses, drawn with the vendored Apache ECharts (echarts-5.6.0.min.js,
   loaded before this file). Each <div data-chart='{…}'> carries its chart as JSON (notifications/charts.py:
   labels, series, the title its picture takes, the words of its button): this file holds no words of its
   own, so every one a page shows comes from the catalogue (core/words/reports.py). The table under each
   chart keeps its figures for a page without scripts and for screen readers; once the chart is drawn the
   table folds away (its <details> stays openable). Served from /console/static: the console's
   Content-Security-Policy lets in no inline script. */
(function () {
  "use strict";
  var FONT = '"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif';
  var drawn = [];

  function narrow(el) { return el.clientWidth < 560; }

  function seriesOf(spec) {
    return spec.series.map(function (s) {
      var out = {
        name: s.name, type: s.kind, stack: s.stack || undefined, itemStyle: {color: s.colour},
        data: s.colours ? s.values.map(function (v, i) { return {value: v, itemStyle: {color: s.colours[i]}}; })
                        : s.values.slice(),
      };
      if (s.kind === "bar") { out.barMaxWidth = 36; }
      if (s.kind === "line") { out.symbolSize = 6; out.lineStyle = {color: s.colour, width: 2}; }
      if (spec.horizontal) { out.label = {show: true, position: "right", fontFamily: FONT}; }
      return out;
    });
  }

  function optionOf(spec, el) {
    var small = narrow(el);
    var labels = {fontFamily: FONT, fontSize: small ? 11 : 12};
    var categories = {type: "category", data: spec.labels, axisTick: {alignWithLabel: true}};
    var values = {type: "value", minInterval: 1, axisLabel: labels};
    var option = {
      animation: false,   // drawn whole at once: what is read, saved as a picture or printed is the chart
      textStyle: {fontFamily: FONT},
      title: {text: spec.caption, left: 0, top: 0, textStyle: {fontSize: small ? 13 : 15, fontFamily: FONT,
                                                                  width: el.clientWidth - 48, overflow: "break"}},
      toolbox: {right: 0, top: 0, feature: {saveAsImage: {title: spec.save, name: spec.file, pixelRatio: 2,
                                                          backgroundColor: "#fff"}}},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, textStyle: {fontFamily: FONT},
                formatter: function (items) {
                  var i = items[0].dataIndex, lines = [spec.tips[i]];
                  items.forEach(function (it) {
                    var v = typeof it.value === "object" && it.value !== null ? it.value.value : it.value;
                    lines.push(it.marker + it.seriesName + " " + v);
                  });
                  return lines.join("<br>");
                }},
      grid: {left: 4, right: spec.horizontal ? 36 : 12, bottom: 8, top: spec.series.length > 1 ? 64 : 40,
             containLabel: true},
      series: seriesOf(spec),
    };
    if (spec.series.length > 1) {
      option.legend = {top: small ? 26 : 28, left: 0, textStyle: labels};
    }
    if (spec.horizontal) {
      var width = Math.max(72, Math.min(200, Math.floor(el.clientWidth * 0.34)));
      categories.inverse = true;   // the most first, at the top
      categories.axisLabel = Object.assign({width: width, overflow: "break", interval: 0}, labels);
      option.xAxis = values;
      option.yAxis = categories;
    } else {
      // days or weeks: ECharts leaves out the labels that would overlap (interval "auto"), and the
      // tooltip and the table give every one
      categories.axisLabel = Object.assign({interval: "auto", hideOverlap: true}, labels);
      option.xAxis = categories;
      option.yAxis = values;
    }
    return option;
  }

  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    if (spec.horizontal) {   // a row for each bar, so that a long name has room
      var rows = spec.labels.length, lines = narrow(el) ? 2 : 1;
      el.style.height = Math.max(140, 72 + rows * (lines > 1 ? 40 : 28)) + "px";
    }
    var chart = echarts.init(el, null, {locale: "ZH", renderer: "canvas"});
    chart.setOption(optionOf(spec, el));
    el.setAttribute("data-drawn", "1");
    var table = el.parentNode.querySelector("details.chart-table");
    if (table) { table.open = false; }
    drawn.push(chart);
  }

  function start() {
    if (typeof echarts === "undefined") { return; }   // the tables stay open
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { drawn.forEach(function (c) { c.resize(); }); }, 100);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
