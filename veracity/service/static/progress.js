// Live progress for a check: follows the job's server-sent events and shows the report when it is ready.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.EventSource) { return; }
  var status = document.getElementById("status");
  var source = new EventSource(box.getAttribute("data-events"));
  source.addEventListener("stage", function (e) {
    var data = JSON.parse(e.data);
    var item = box.querySelector('li[data-stage="' + data.stage + '"]');
    if (item) {
      item.classList.add("done");
      item.querySelector(".ms").textContent = data.ms + " ms";
    }
    status.textContent = "Checking: " + data.stage + " done.";
  });
  source.addEventListener("position", function (e) {
    status.textContent = "Waiting in the queue: position " + JSON.parse(e.data).position + ".";
  });
  source.addEventListener("started", function () { status.textContent = "Checking…"; });
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
