// Rate charts drawn on a <canvas>, by hand: no library, nothing from the network.
// drawRates(canvas, samples, series): samples are RabbitMQ-style details {samples: [{sample, timestamp}], newest
// first}; each series {label, color, details} becomes a line of per-second rates between consecutive samples.
(function () {
  function rates(details) {
    var s = (details && details.samples) || [];
    var points = [];
    for (var i = s.length - 1; i > 0; i--) {
      var older = s[i], newer = s[i - 1];
      var seconds = Math.max(0.001, (newer.timestamp - older.timestamp) / 1000);
      points.push({ t: newer.timestamp, v: Math.max(0, (newer.sample - older.sample) / seconds) });
    }
    return points;
  }

  window.drawRates = function (canvas, series) {
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth || 600, height = canvas.clientHeight || 180;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    var lines = series.map(function (s) { return { s: s, points: rates(s.details) }; });
    var all = [].concat.apply([], lines.map(function (l) { return l.points; }));
    var left = 48, right = 8, top = 8, bottom = 20;
    g.strokeStyle = '#ccd5dd';
    g.fillStyle = '#567';
    g.font = '11px sans-serif';
    g.beginPath();
    g.moveTo(left, top);
    g.lineTo(left, height - bottom);
    g.lineTo(width - right, height - bottom);
    g.stroke();
    var drawn = 0, highest = 0;
    if (all.length === 0) {
      g.fillText('collecting samples…', left + 8, top + 14);
    } else {
      var tMin = Math.min.apply(null, all.map(function (p) { return p.t; }));
      var tMax = Math.max.apply(null, all.map(function (p) { return p.t; }));
      var vMax = Math.max(1, Math.max.apply(null, all.map(function (p) { return p.v; })));
      g.fillText(vMax.toFixed(vMax < 10 ? 1 : 0) + '/s', 4, top + 10);
      g.fillText('0/s', 4, height - bottom);
      var x = function (t) { return tMax === tMin ? width - right : left + (t - tMin) / (tMax - tMin) * (width - left - right); };
      var y = function (v) { return height - bottom - v / vMax * (height - top - bottom); };
      lines.forEach(function (l) {
        if (l.points.length === 0) { return; }
        g.strokeStyle = l.s.color;
        g.lineWidth = 2;
        g.beginPath();
        l.points.forEach(function (p, i) { if (i === 0) { g.moveTo(x(p.t), y(p.v)); } else { g.lineTo(x(p.t), y(p.v)); } });
        if (l.points.length === 1) { g.arc(x(l.points[0].t), y(l.points[0].v), 2, 0, 2 * Math.PI); }
        g.stroke();
        drawn += l.points.length;
        l.points.forEach(function (p) { highest = Math.max(highest, p.v); });
      });
    }
    // For people reading the page (and the browser test): how many rate points are on the chart.
    canvas.setAttribute('data-points', String(drawn));
    canvas.setAttribute('data-max-rate', String(highest));
    canvas.setAttribute('title', series.map(function (s) {
      return s.label + ' ' + ((s.details && s.details.rate) || 0) + '/s';
    }).join(', '));
  };

  window.legend = function (series) {
    return '<div class="legend">' + series.map(function (s) {
      return '<span><i style="background:' + s.color + '"></i>' + s.label + ' ' + ((s.details && s.details.rate) || 0) + '/s</span>';
    }).join('') + '</div>';
  };
})();
