// Score sheet autosave for jurors on phones at a fair: every change is saved; when the connection
// drops, the latest state waits in localStorage and is sent when the connection returns. Each save
// carries the whole sheet with a client id and an increasing sequence number, so the server can
// apply it idempotently and in order.
(function () {
  "use strict";
  var form = document.querySelector("form.js-sheet");
  if (!form || form.getAttribute("data-editable") !== "true") return;
  var entry = form.getAttribute("data-entry");
  var key = "kcvote-sheet-" + entry;
  var stateEl = form.querySelector(".save-state");
  var totalEl = form.querySelector(".sheet-total");
  var token = form.querySelector('input[name="csrf_token"]').value;
  var clientId = sessionStorage.getItem("kcvote-client") || (Date.now().toString(36) + Math.random().toString(36).slice(2));
  sessionStorage.setItem("kcvote-client", clientId);
  var seq = parseInt(localStorage.getItem(key + "-seq") || "0", 10);
  var timer = null;
  var sending = false;
  var submitWhenSaved = null;  // the submit form, waiting for the last changes to reach the server

  function show(kind, text) {
    stateEl.textContent = text || stateEl.getAttribute("data-" + kind);
    stateEl.className = "save-state badge " + ({saved: "text-bg-success", sending: "text-bg-secondary", offline: "text-bg-warning", error: "text-bg-danger"}[kind]);
    stateEl.setAttribute("data-state", kind);
  }

  function collect() {
    var points = {};
    var total = 0;
    Array.prototype.forEach.call(form.querySelectorAll(".score-input"), function (input) {
      var value = input.value.trim();
      points[input.getAttribute("data-criterion")] = value === "" ? null : value;
      if (value !== "" && !isNaN(parseFloat(value))) total += parseFloat(value);
    });
    totalEl.textContent = String(Math.round(total * 10) / 10).replace(".", document.documentElement.lang === "vi" ? "," : ".");
    seq += 1;
    localStorage.setItem(key + "-seq", String(seq));
    return {points: points, remarks: form.querySelector("#remarks").value, client_id: clientId, client_seq: seq};
  }

  function send() {
    var pending = localStorage.getItem(key);
    if (!pending || sending) return;
    if (!navigator.onLine) { show("offline"); return; }
    sending = true;
    show("sending");
    fetch(form.action, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: pending,
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      sending = false;
      if (result.ok) {
        if (localStorage.getItem(key) === pending) localStorage.removeItem(key);
        show("saved");
        if (localStorage.getItem(key)) {
          send();
        } else if (submitWhenSaved) {
          var pendingSubmit = submitWhenSaved;
          submitWhenSaved = null;
          pendingSubmit.submit();
        }
      } else {
        localStorage.removeItem(key);
        show("error", result.data.error);
      }
    }).catch(function () {
      sending = false;
      show("offline");
    });
  }

  function changed() {
    localStorage.setItem(key, JSON.stringify(collect()));
    clearTimeout(timer);
    timer = setTimeout(send, 400);
  }

  form.addEventListener("input", changed);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { show("offline"); });
  var submit = document.querySelector(".js-submit-sheet");
  if (submit) {
    submit.form.addEventListener("submit", function (event) {
      // Never submit a sheet whose last changes have not reached the server: send them first.
      if (localStorage.getItem(key) || sending) {
        event.preventDefault();
        submitWhenSaved = submit.form;
        clearTimeout(timer);
        send();
      }
    });
  }
  collect();
  seq -= 1;
  if (localStorage.getItem(key)) send();
})();
