// Draws every chart whose figure the page carries as JSON. No data is ever evaluated as code.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (node) {
    var target = document.getElementById(node.getAttribute("data-chart"));
    var figure = JSON.parse(node.textContent);
    figure.layout = Object.assign({ autosize: true, height: 360, font: { family: "system-ui, sans-serif" } }, figure.layout);
    Plotly.newPlot(target, figure.data, figure.layout, { displaylogo: false, responsive: true })
      .then(function () { target.setAttribute("data-rendered", "true"); });
  });
});
