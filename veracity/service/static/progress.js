// Live progress for a check: follows the job's server-sent events and shows the report when it is ready.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.EventSource) { return; }
  var status = document.getElementById("status");
  var source = new EventSource(box.getAttribute("data-events"));
  // a stage's time as the page writes it (pages.py took): "16 ms", "2.4 s", "1 min 5 s"
  function took(ms) {
    if (ms < 1000) { return Math.round(ms) + " ms"; }
    if (ms < 60000) { return (ms / 1000).toFixed(1) + " s"; }
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  source.addEventListener("stage", function (e) {
    var data = JSON.parse(e.data);
    var item = box.querySelector('li[data-stage="' + data.stage + '"]');
    var row = box.querySelector('tr[data-stage="' + data.stage + '"] .took');
    if (row) { row.textContent = took(data.ms); }
    if (!item) { return; }
    item.classList.add("done");
    var next = item.nextElementSibling;
    status.textContent = next ? next.textContent + "…" : "Finishing…";
  });
  source.addEventListener("position", function (e) {
    status.textContent = "Waiting in the queue: position " + JSON.parse(e.data).position + ".";
  });
  source.addEventListener("started", function () {
    var first = box.querySelector("li[data-stage]:not(.done)");
    status.textContent = first ? first.textContent + "…" : "Checking…";
  });
  source.addEventListener("retry", function (e) {
    status.textContent = "Retrying after an error: " + JSON.parse(e.data).error;
  });
  // the report replaces this page a moment after the last stage, so the finished stages can be seen
  function finish(message) {
    return function () {
      source.close();
      status.textContent = message;
      window.setTimeout(function () { window.location.reload(); }, 800);
    };
  }
  source.addEventListener("done", finish("Done: opening the report…"));
  source.addEventListener("failed", finish("The check failed."));
  source.addEventListener("cancelled", finish("The check was cancelled."));
}());
