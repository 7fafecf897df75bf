// Bulk issue progress: poll the server while a job runs, move the bar, reload the page when done.
(function () {
  "use strict";
  var bar = document.getElementById("issue-progress");
  if (!bar) { return; }
  var inner = bar.querySelector(".progress-bar");
  function show(done, total) {
    var pct = total ? Math.round(100 * done / total) : 0;
    inner.style.width = pct + "%";
    inner.textContent = done + "/" + total;
    bar.setAttribute("aria-valuenow", String(done));
    bar.setAttribute("aria-valuemax", String(total));
  }
  show(Number(bar.getAttribute("aria-valuenow")), Number(bar.getAttribute("aria-valuemax")));
  var state = bar.getAttribute("data-state");
  if (state !== "pending" && state !== "running") { return; }
  function poll() {
    fetch(bar.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (p) {
        show(p.done, p.total);
        if (p.state === "pending" || p.state === "running") { window.setTimeout(poll, 1000); }
        else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
